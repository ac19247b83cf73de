using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Tests.Ice;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// Our ICE-lite answerer against a full peer with two host candidates that behaves as werift does towards a lite peer:
/// it checks from both candidates without USE-CANDIDATE (werift nominates only with its consent checks, ~5 s later)
/// and sends its ClientHello from the candidate whose check succeeded first. Real sockets: the bug was in which
/// datagrams the peer's socket side hands to DTLS.
/// </summary>
public sealed class PeerConnectionLiteMultiCandidateTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoCandidatePeer_ClientHelloFromEarlierCheckedCandidate_AnsweredThereAndSctpFollows(bool nominateBoth)
    {
        // nominateBoth: what werift 0.24 did by hand here, a USE-CANDIDATE check from each candidate after the plain
        // ones (so the latest nomination is Second), then its ClientHello from First.
        using var peer = new TwoCandidatePeer();
        await using var answerer = PeerConnection.AcceptOffer(peer.Offer, Options());
        peer.UseAnswer(answerer);

        peer.Check(peer.First);
        await WithTimeout(peer.CheckAnswered(peer.First));
        peer.Check(peer.Second); // The lite agent now has two endpoints with succeeded checks; the latest is Second.
        await WithTimeout(peer.CheckAnswered(peer.Second));
        if (nominateBoth)
        {
            peer.Check(peer.First, nominate: true);
            peer.Check(peer.Second, nominate: true);
            await WithTimeout(peer.CheckAnswered(peer.Second, nominated: true));
        }

        var handshake = peer.StartDtls(peer.First);
        peer.Check(peer.Second); // Checks from the other candidate go on during the handshake.
        await WithTimeout(handshake.ContinueWith(t => t.Exception?.InnerException?.Message ?? "connected", TaskScheduler.Default));
        Assert.Equal(DtlsSessionState.Connected, peer.Dtls!.State);

        // After DTLS we (the DTLS server) send INIT, over DTLS, to where the ClientHello came from.
        Assert.True(await WithTimeout(peer.FirstApplicationData) > 0);
        Assert.Equal(peer.First.LocalEndPoint, answerer.SelectedPair!.Remote);
        Assert.Equal(nominateBoth, answerer.SelectedPair.Nominated);
        Assert.Equal(0, peer.DtlsDatagramsOn(peer.Second));
    }

    /// <summary>A scripted full ICE peer (controlling, no nomination) with two UDP sockets and a BouncyCastle DTLS client.</summary>
    private sealed class TwoCandidatePeer : IDisposable
    {
        private readonly IceCredentials _ice = IceCredentials.Generate();
        private readonly DtlsCertificate _certificate = DtlsCertificate.Generate();
        private readonly Dictionary<Socket, TaskCompletionSource<bool>> _answered = [];
        private readonly Dictionary<Socket, TaskCompletionSource<bool>> _answeredAgain = [];
        private readonly Dictionary<Socket, int> _dtlsDatagrams = [];
        private readonly TaskCompletionSource<int> _appData = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Thread> _threads = [];
        private IPEndPoint? _remote;
        private string? _username;
        private string? _password;
        private DtlsFingerprint? _remoteFingerprint;
        private Socket? _dtlsSocket;

        public TwoCandidatePeer()
        {
            First = Bind();
            Second = Bind();
            var fingerprint = new SdpFingerprint(SdpFingerprint.Sha256, _certificate.Fingerprint.ToString().Split(' ')[1]);
            Offer = SdpWriter.Write(DataChannelSdp.CreateOffer(new DataChannelSdpOptions(_ice.Ufrag, _ice.Password, fingerprint)
            {
                Setup = SdpSetup.Active, // DTLS client, as werift is as an answerer; here it offers to reach our lite side.
                Candidates = new EquatableArray<IceCandidateLine>([Candidate("1", First, 2130706431), Candidate("2", Second, 2130706175)]),
            }));
        }

        public Socket First { get; }

        public Socket Second { get; }

        public string Offer { get; }

        public DtlsSession? Dtls { get; private set; }

        public Task<int> FirstApplicationData => _appData.Task;

        public void UseAnswer(PeerConnection answerer)
        {
            Assert.True(SdpParser.TryParse(answerer.LocalDescription!, SdpType.Answer, out var answer, out _));
            var described = DataChannelSdp.Describe(answer!);
            Assert.True(described.IceLite);
            _username = described.IceUfrag + ":" + _ice.Ufrag;
            _password = described.IcePwd;
            _remote = answerer.LocalEndPoint;
            _remoteFingerprint = answerer.LocalFingerprint;
            foreach (var socket in new[] { First, Second })
            {
                var thread = new Thread(() => Receive(socket)) { IsBackground = true, Name = "two-candidate-peer" };
                _threads.Add(thread);
                thread.Start();
            }
        }

        public void Check(Socket from, bool nominate = false) =>
            from.SendTo(new ChromiumCheck(_username!, _password!) { UseCandidate = nominate }.ToBytes(), _remote!);

        /// <summary>Completes at the first success response on <paramref name="socket"/> (the second one with <paramref name="nominated"/>).</summary>
        public Task<bool> CheckAnswered(Socket socket, bool nominated = false)
        {
            lock (_answered)
            {
                return (nominated ? _answeredAgain : _answered)[socket].Task;
            }
        }

        public int DtlsDatagramsOn(Socket socket)
        {
            lock (_answered)
            {
                return _dtlsDatagrams[socket];
            }
        }

        public Task StartDtls(Socket from)
        {
            var dtls = new DtlsSession(
                new DtlsSessionOptions { Role = DtlsRole.Client, Certificate = _certificate, RemoteFingerprint = _remoteFingerprint! },
                datagram => from.SendTo(datagram.ToArray(), _remote!));
            dtls.DataReceivedAt += (data, _) => _appData.TrySetResult(data.Length);
            Dtls = dtls;
            Volatile.Write(ref _dtlsSocket, from);
            return dtls.HandshakeAsync(CancellationToken.None);
        }

        public void Dispose()
        {
            First.Dispose();
            Second.Dispose();
            foreach (var thread in _threads)
            {
                thread.Join();
            }

            Dtls?.Dispose();
        }

        private static IceCandidateLine Candidate(string foundation, Socket socket, uint priority)
        {
            var endpoint = (IPEndPoint)socket.LocalEndPoint!;
            return new IceCandidateLine(foundation, 1, "udp", priority, endpoint.Address.ToString(), endpoint.Port, IceCandidateType.Host);
        }

        private Socket Bind()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _answered[socket] = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _answeredAgain[socket] = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _dtlsDatagrams[socket] = 0;
            return socket;
        }

        private void Receive(Socket socket)
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                while (true)
                {
                    int n = socket.ReceiveFrom(buffer, ref from);
                    var datagram = buffer.AsSpan(0, n);
                    switch (RtcDemux.Classify(datagram))
                    {
                        case RtcPacketKind.Stun when StunMessageReader.TryRead(datagram, out var m) && m.Class == StunClass.SuccessResponse:
                            lock (_answered)
                            {
                                if (!_answered[socket].TrySetResult(true))
                                {
                                    _answeredAgain[socket].TrySetResult(true);
                                }
                            }

                            break;
                        case RtcPacketKind.Dtls:
                            lock (_answered)
                            {
                                _dtlsDatagrams[socket]++;
                            }

                            if (socket == Volatile.Read(ref _dtlsSocket))
                            {
                                Dtls!.HandleDatagram(datagram, PeerConnectionOptions.DefaultClock());
                            }

                            break;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}

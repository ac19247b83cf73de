using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// ICE modes through the facade over loopback: a full (controlled) answerer against our full offerer, trickle-only in
/// both directions, our offerer against a lite answer, and a full answerer facing an ICE-lite offerer.
/// </summary>
public sealed class PeerConnectionFullIceTests
{
    private static PeerConnectionOptions FullAnswerer(SdpSetup setup = SdpSetup.Passive) =>
        Options(o => o with { AnswererIceMode = AnswererIceMode.Full, AnswerSetup = setup });

    [Theory]
    [InlineData(SdpSetup.Passive)]
    [InlineData(SdpSetup.Active)]
    public async Task FullAnswerer_FullOfferer_OffererControls_ConnectsAndEchoes(SdpSetup answerSetup)
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), FullAnswerer(answerSetup));
        EchoEverything(answerer);
        Assert.DoesNotContain("a=ice-lite", answerer.LocalDescription!, StringComparison.Ordinal);
        Assert.Contains("a=ice-options:trickle", answerer.LocalDescription!, StringComparison.Ordinal);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        await EchoOnce(channel);

        Assert.False(answerer.IsIceLite);
        Assert.Equal(IceRole.Controlling, offerer.IceRole);
        Assert.Equal(IceRole.Controlled, answerer.IceRole);
        Assert.Equal(answerSetup == SdpSetup.Passive ? DtlsRole.Server : DtlsRole.Client, answerer.DtlsRole);
        Assert.Equal(offerer.LocalEndPoint, answerer.SelectedPair!.Remote);
        Assert.Equal("host", answerer.SelectedPair.RemoteType); // From the offer's candidate.
        Assert.True(answerer.SelectedPair.Nominated);
        Assert.Equal(answerer.LocalEndPoint, offerer.SelectedPair!.Remote);
        Assert.Equal(1, answerer.RemoteCandidatesAdded);
        Assert.Equal(0, answerer.Dropped + offerer.Dropped); // An early ClientHello is held until ICE selects, not lost.
    }

    [Theory]
    [InlineData(AnswererIceMode.Full)]
    [InlineData(AnswererIceMode.Lite)]
    public async Task TrickleOnly_BothDirections_CandidatesStrippedFromBothDescriptions_Connects(AnswererIceMode mode)
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        string offer = PeerConnectionTrickleTests.WithoutCandidates(offerer.CreateOffer());
        await using var answerer = PeerConnection.AcceptOffer(offer, Options(o => o with { AnswererIceMode = mode }));
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(PeerConnectionTrickleTests.WithoutCandidates(answerer.LocalDescription!));

        // Signalling delivers the candidates after both descriptions, each side's to the other.
        Assert.True(answerer.AddRemoteCandidate(offerer.LocalCandidates[0]));
        answerer.AddRemoteEndOfCandidates();
        Assert.True(offerer.AddRemoteCandidate(answerer.LocalCandidates[0]));
        offerer.AddRemoteEndOfCandidates();

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        await EchoOnce(channel);
        Assert.Equal("host", offerer.SelectedPair!.RemoteType);
        Assert.Equal("host", answerer.SelectedPair!.RemoteType); // Known from the trickled candidate.
        Assert.Equal(1, offerer.RemoteCandidatesAdded);
        Assert.Equal(1, answerer.RemoteCandidatesAdded);
    }

    [Fact]
    public async Task FullAnswerer_NoOffererCandidatesAtAll_LearnsTheOffererAsPeerReflexive()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        string offer = PeerConnectionTrickleTests.WithoutCandidates(offerer.CreateOffer());
        await using var answerer = PeerConnection.AcceptOffer(offer, FullAnswerer());
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal(offerer.LocalEndPoint, answerer.SelectedPair!.Remote);
        Assert.Equal("prflx", answerer.SelectedPair.RemoteType);
        Assert.Equal(0, answerer.RemoteCandidatesAdded);
    }

    [Fact]
    public async Task FullAnswerer_PeerReflexiveSelected_ThenTheCandidateIsTrickled_ReportsItsSignalledType()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(PeerConnectionTrickleTests.WithoutCandidates(offerer.CreateOffer()), FullAnswerer());
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal("prflx", answerer.SelectedPair!.RemoteType); // Its checks came before any candidate.

        Assert.True(answerer.AddRemoteCandidate(Assert.Single(offerer.LocalCandidates)));
        await EchoOnce(channel); // The trickled candidate is handled on the loop before this echo.

        Assert.Equal("host", answerer.SelectedPair!.RemoteType);
        Assert.Equal(offerer.LocalEndPoint, answerer.SelectedPair.Remote);
    }

    [Fact]
    public async Task Offerer_AnswerWithOnlyAnMdnsCandidate_LearnsTheFullAnswererAsPeerReflexive()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), FullAnswerer());
        // As Chromium hides its address: the answer's only candidate is an mDNS name we do not resolve.
        string answer = PeerConnectionTrickleTests.WithoutCandidates(answerer.LocalDescription!).Replace(
            "a=setup:", $"a=candidate:1 1 udp 2122260223 {Guid.NewGuid()}.local {answerer.LocalEndPoint.Port} typ host\r\na=setup:", StringComparison.Ordinal);
        offerer.SetRemoteAnswer(answer);

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal(1, offerer.RemoteCandidatesIgnored);
        Assert.Equal(answerer.LocalEndPoint, offerer.SelectedPair!.Remote);
        Assert.Equal("prflx", offerer.SelectedPair.RemoteType);
    }

    [Fact]
    public async Task Offerer_LiteAnswer_StaysControlling()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        Assert.Contains("a=ice-lite", answerer.LocalDescription!, StringComparison.Ordinal);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.True(answerer.IsIceLite);
        Assert.Equal(IceRole.Controlling, offerer.IceRole);
        Assert.Equal(IceRole.Controlled, answerer.IceRole);
    }

    [Fact]
    public async Task FullAnswerer_LiteOfferer_TakesControlAndNominates()
    {
        // A stand-in for an ICE-lite SFU offering to us (LiveKit's subscriber connection): it answers checks only.
        using var liteOfferer = new LiteIceOfferer();
        await using var answerer = PeerConnection.AcceptOffer(liteOfferer.Offer, FullAnswerer() with { DtlsTimeout = TimeSpan.FromMilliseconds(500) });
        Assert.Equal(IceRole.Controlling, answerer.IceRole);
        liteOfferer.Start(answerer.LocalDescription!);

        // The stand-in speaks no DTLS, so the answerer gets through ICE and then fails in DTLS.
        var outcome = await WithTimeout(answerer.WhenConnected);
        Assert.Equal(PeerPhase.Dtls, outcome.Phase);
        Assert.NotNull(answerer.Timings.IceMs);
        Assert.Equal(liteOfferer.EndPoint, answerer.SelectedPair!.Remote);
        Assert.Equal(answerer.LocalEndPoint, liteOfferer.NominatedBy);
    }

    private static async Task EchoOnce(DataChannel channel)
    {
        var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage = (_, m, _, _) => echoed.TrySetResult(Encoding.UTF8.GetString(m));
        Assert.True(channel.SendText("ping"u8));
        Assert.Equal("ping", await WithTimeout(echoed.Task));
    }

    /// <summary>An ICE-lite offerer on a real socket: a data-channel offer with <c>a=ice-lite</c>; answers checks.</summary>
    private sealed class LiteIceOfferer : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly IceCredentials _local = IceCredentials.Generate();
        private readonly Thread _thread;
        private IceLiteResponder? _ice;
        private volatile IPEndPoint? _nominatedBy;

        public LiteIceOfferer()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
            var fp = DtlsCertificate.Generate().Fingerprint.ToString().Split(' ')[1];
            var offer = DataChannelSdp.CreateOffer(new DataChannelSdpOptions(_local.Ufrag, _local.Password, new SdpFingerprint("sha-256", fp))
            {
                IceLite = true,
                Candidates = new EquatableArray<IceCandidateLine>([new IceCandidateLine("1", 1, "udp", 2130706431, "127.0.0.1", EndPoint.Port, IceCandidateType.Host)]),
            });
            Offer = SdpWriter.Write(offer);
            Assert.Contains("a=ice-lite", Offer, StringComparison.Ordinal);
            _thread = new Thread(Run) { IsBackground = true };
        }

        public string Offer { get; }

        public IPEndPoint EndPoint { get; }

        /// <summary>Where the nominating (USE-CANDIDATE) check came from, once one has.</summary>
        public IPEndPoint? NominatedBy => _nominatedBy;

        public void Start(string answerSdp)
        {
            Assert.True(SdpParser.TryParse(answerSdp, SdpType.Answer, out var answer, out _));
            var remote = DataChannelSdp.Describe(answer!);
            _ice = new IceLiteResponder(_local, new IceCredentials(remote.IceUfrag, remote.IcePwd));
            _thread.Start();
        }

        public void Dispose()
        {
            _socket.Dispose();
            if (_thread.IsAlive)
            {
                _thread.Join();
            }
        }

        private void Run()
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                while (true)
                {
                    int n = _socket.ReceiveFrom(buffer, ref from);
                    _ice!.HandleDatagram(PeerConnectionOptions.DefaultClock(), buffer.AsSpan(0, n), (IPEndPoint)from);
                    while (_ice.TryPollEvent(out var e))
                    {
                        if (e.Kind == IceEventKind.Selected && e.Nominated)
                        {
                            _nominatedBy = e.Endpoint;
                        }
                    }

                    while (_ice.TryPollTransmit(out var t))
                    {
                        _socket.SendTo(t.Payload, t.Destination);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>Two real peer connections in one process over loopback UDP, real BouncyCastle DTLS.</summary>
public sealed class PeerConnectionLoopbackTests
{
    [Fact]
    public async Task Connect_OfferAndAnswer_ReliableAndLossyChannelsEchoBothWays()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var reliable = offerer.CreateDataChannel("reliable");
        var lossy = offerer.CreateDataChannel("lossy", ordered: false, maxRetransmits: 0);
        string offer = offerer.CreateOffer();
        await using var answerer = PeerConnection.AcceptOffer(offer, Options());
        var opened = new ConcurrentQueue<DataChannel>();
        answerer.DataChannelOpened += opened.Enqueue;
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(reliable.WhenOpen));
        Assert.True(await WithTimeout(lossy.WhenOpen));

        Assert.Equal(DtlsRole.Client, offerer.DtlsRole);
        Assert.Equal(DtlsRole.Server, answerer.DtlsRole);
        // The core's managed engine on both sides: 0xC02B (AES-128-GCM) with the extended master secret.
        Assert.Equal(DtlsRecordKeys.CipherSuiteAes128GcmSha256, offerer.Core!.Dtls.Negotiated!.CipherSuite);
        Assert.Equal(DtlsRecordKeys.CipherSuiteAes128GcmSha256, answerer.Core!.Dtls.Negotiated!.CipherSuite);
        Assert.True(offerer.Core.Dtls.Negotiated.ExtendedMasterSecret);
        Assert.Equal(0, reliable.StreamId);
        Assert.Equal(2, lossy.StreamId);
        var remote = opened.ToDictionary(c => c.Label);
        Assert.True(remote["reliable"].Ordered && remote["reliable"].MaxRetransmits is null);
        Assert.True(!remote["lossy"].Ordered && remote["lossy"].MaxRetransmits == 0);
        Assert.Equal(answerer.LocalEndPoint, offerer.SelectedPair!.Remote);
        Assert.Equal("host", offerer.SelectedPair.RemoteType);
        Assert.Equal(offerer.LocalEndPoint, answerer.SelectedPair!.Remote);
        var t = offerer.Timings;
        Assert.True(t.IceMs > 0 && t.DtlsMs >= t.IceMs && t.SctpMs >= t.DtlsMs, t.ToString());
        Assert.True(reliable.OpenedNs >= t.SctpConnectedNs);

        foreach (var channel in new[] { reliable, lossy })
        {
            var got = new ConcurrentQueue<(string Text, bool IsText, long RxNs)>();
            channel.OnMessage = (_, m, isText, rx) => got.Enqueue((Encoding.UTF8.GetString(m), isText, rx));
            long before = PeerConnectionOptions.DefaultClock();
            for (int i = 0; i < 100; i++)
            {
                Assert.True(channel.SendText(Encoding.UTF8.GetBytes($"ping {i}")));
            }

            Assert.True(channel.Send(new byte[3000])); // Fragmented (SCTP packets are at most 1163 bytes).
            Assert.True(channel.SendText([]));         // Empty: PPID 56 with one 0x00 byte on the wire.
            await WaitUntilAsync(() => got.Count == 102);
            var all = got.ToArray();
            long after = PeerConnectionOptions.DefaultClock();
            if (channel.Ordered)
            {
                Assert.Equal(Enumerable.Range(0, 100).Select(i => $"ping {i}"), all.Take(100).Select(x => x.Text));
            }
            else
            {
                Assert.Equal(Enumerable.Range(0, 100).Select(i => $"ping {i}").Order(), all.Where(x => x.Text.StartsWith("ping", StringComparison.Ordinal)).Select(x => x.Text).Order());
            }

            Assert.Contains(all, x => !x.IsText && x.Text.Length == 3000);
            Assert.Contains(all, x => x.IsText && x.Text.Length == 0);
            Assert.All(all, x => Assert.InRange(x.RxNs, before, after));
        }

        Assert.Equal(0, offerer.CallbackErrors + answerer.CallbackErrors);
    }

    [Fact]
    public async Task CloseChannel_StreamResetBothWays_BothSidesSeeClosedAndTheOtherChannelStillWorks()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var a = offerer.CreateDataChannel("a");
        var b = offerer.CreateDataChannel("b", ordered: false, maxRetransmits: 0);
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        var remoteClosed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        answerer.DataChannelOpened += ch => ch.Closed += c => remoteClosed.TrySetResult(c.Label);
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(a.WhenOpen) && await WithTimeout(b.WhenOpen));

        var localClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Closed += _ => localClosed.TrySetResult();
        a.Close();
        Assert.Equal("a", await WithTimeout(remoteClosed.Task));
        await WithTimeout(localClosed.Task.ContinueWith(_ => true));
        Assert.Equal(DataChannelState.Closed, a.State);
        Assert.Throws<InvalidOperationException>(() => a.SendText("x"u8));

        var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.OnMessage = (_, m, _, _) => echoed.TrySetResult(Encoding.UTF8.GetString(m));
        b.SendText("still here"u8);
        Assert.Equal("still here", await WithTimeout(echoed.Task));
    }

    [Fact]
    public async Task Dispose_Offerer_AnswererEndsWithPeerClosed()
    {
        var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        await offerer.DisposeAsync();
        var outcome = await WithTimeout(answerer.WhenEnded);
        Assert.Equal(PeerPhase.PeerClosed, outcome.Phase);
        Assert.Contains(outcome.Cause, new PeerFailureReason?[] { PeerFailureReason.SctpPeerAbort, PeerFailureReason.DtlsPeerClosed });
        Assert.Equal(PeerConnectionState.Closed, answerer.State);
        Assert.Equal(PeerPhase.LocalClose, offerer.Outcome!.Phase);
        Assert.Equal(PeerFailureReason.ClosedLocally, offerer.Outcome.Cause);
        Assert.Equal(DataChannelState.Closed, channel.State);
    }

    [Fact]
    public async Task Dispose_FromInsideAMessageCallback_TheAbortStillLeaves_PeerEndsAtOnce()
    {
        // Callbacks run on the receive thread inside the connection's drain: a dispose from there must let that drain
        // send the ABORT and close_notify before the socket goes (else the peer learns only at its consent timeout).
        var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        channel.OnMessage = (_, _, _, _) => Assert.True(offerer.DisposeAsync().AsTask().IsCompleted); // synchronous: nothing to await
        channel.SendText("bye"u8);

        var outcome = await WithTimeout(answerer.WhenEnded);
        Assert.Equal(PeerPhase.PeerClosed, outcome.Phase);
        Assert.Contains(outcome.Cause, new PeerFailureReason?[] { PeerFailureReason.SctpPeerAbort, PeerFailureReason.DtlsPeerClosed });
        Assert.Equal(PeerFailureReason.ClosedLocally, (await WithTimeout(offerer.WhenEnded)).Cause);
        Assert.Equal(DataChannelState.Closed, channel.State);
        Assert.Equal(0, offerer.CallbackErrors);
    }

    [Fact]
    public async Task WrongFingerprint_InAnswer_DtlsFailsAsAnOutcome()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with { DtlsTimeout = TimeSpan.FromSeconds(5) }));
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options(o => o with { DtlsTimeout = TimeSpan.FromSeconds(5) }));
        string other = DtlsCertificate.Generate().Fingerprint.ToString();
        string answer = answerer.LocalDescription!.Replace(answerer.LocalFingerprint.ToString(), other, StringComparison.Ordinal);
        Assert.NotEqual(answerer.LocalDescription, answer);
        offerer.SetRemoteAnswer(answer);

        var outcome = await WithTimeout(offerer.WhenConnected);
        Assert.False(outcome.Connected);
        Assert.Equal(PeerPhase.Dtls, outcome.Phase);
        Assert.Contains(nameof(DtlsFailureReason.FingerprintMismatch), outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(PeerFailureReason.DtlsHandshakeFailed, outcome.Cause);
        Assert.Equal(DtlsFailureReason.FingerprintMismatch, outcome.DtlsFailure);
        Assert.Equal(PeerConnectionState.Failed, offerer.State);
    }

    [Fact]
    public async Task WrongFingerprint_InAnswer_AnswererFailsNamingThePeersFatalAlert()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        string other = DtlsCertificate.Generate().Fingerprint.ToString();
        offerer.SetRemoteAnswer(answerer.LocalDescription!.Replace(answerer.LocalFingerprint.ToString(), other, StringComparison.Ordinal));

        // The offerer rejects the answerer's certificate and sends bad_certificate; the answerer's DTLS takes it as the
        // end of its handshake at once (its DtlsTimeout, 10 s by default, is not what ends it).
        var outcome = await WithTimeout(answerer.WhenConnected);

        Assert.False(outcome.Connected);
        Assert.Equal(PeerPhase.Dtls, outcome.Phase);
        Assert.Equal("Alert: peer sent fatal alert bad_certificate(42)", outcome.Reason);
        Assert.Equal("Dtls: Alert: peer sent fatal alert bad_certificate(42)", outcome.ToString());
        Assert.Equal(PeerFailureReason.DtlsHandshakeFailed, outcome.Cause);
        Assert.Equal(DtlsFailureReason.Alert, outcome.DtlsFailure);
        Assert.Equal(PeerConnectionState.Failed, answerer.State);
        Assert.Equal(42, answerer.Core!.DtlsAlert);
    }

    [Fact]
    public async Task PeerVanishes_AfterConnecting_ConsentExpiresAndTheConnectionFails()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with
        {
            ConsentInterval = TimeSpan.FromMilliseconds(100),
            ConsentTimeout = TimeSpan.FromMilliseconds(800),
        }));
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        answerer.Socket.Dispose(); // Gone without a word: no ABORT, no close_notify.
        var outcome = await WithTimeout(offerer.WhenEnded);
        Assert.Equal(PeerPhase.Consent, outcome.Phase);
        Assert.Equal(PeerFailureReason.ConsentExpired, outcome.Cause);
        Assert.Equal(PeerConnectionState.Failed, offerer.State);
        Assert.Equal(DataChannelState.Closed, channel.State);
        Assert.False(await channel.WhenOpen.ContinueWith(_ => false));
    }

    [Fact]
    public async Task NoAnswererListening_IceTimesOut()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with { IceTimeout = TimeSpan.FromMilliseconds(700) }));
        var channel = offerer.CreateDataChannel("reliable");
        var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        string answer = answerer.LocalDescription!;
        await answerer.DisposeAsync();
        offerer.SetRemoteAnswer(answer);

        await Task.WhenAny(offerer.WhenConnected, Task.Delay(60000));
        Assert.True(offerer.WhenConnected.IsCompleted, $"{offerer.State} sent={offerer.Socket.Sent} rx={offerer.Socket.Received} rxerr={offerer.Socket.ReceiveErrors} core={offerer.Core?.State}");
        var outcome = await offerer.WhenConnected;
        Assert.Equal(PeerPhase.Ice, outcome.Phase);
        // Our IceTimeout, or the agent's own verdict when every check on the only pair timed out first.
        Assert.Contains(outcome.Cause, new PeerFailureReason?[] { PeerFailureReason.IceTimeout, PeerFailureReason.IceFailed });
        Assert.False(await WithTimeout(channel.WhenOpen));
    }

    [Fact]
    public async Task AnswererAnswersIceButNeverDtls_DtlsHandshakeTimesOut()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with { DtlsTimeout = TimeSpan.FromMilliseconds(800) }));
        using var mute = new StunOnlyAnswerer(offerer.CreateOffer());
        offerer.SetRemoteAnswer(mute.Answer);

        var outcome = await WithTimeout(offerer.WhenConnected);
        Assert.Equal(PeerPhase.Dtls, outcome.Phase);
        Assert.Contains(nameof(DtlsFailureReason.Timeout), outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(PeerFailureReason.DtlsHandshakeFailed, outcome.Cause);
        Assert.Equal(DtlsFailureReason.Timeout, outcome.DtlsFailure);
        Assert.NotNull(offerer.Timings.IceMs);
    }

    [Fact]
    public void AcceptOffer_Garbage_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => PeerConnection.AcceptOffer("v=0\r\nthis is not sdp", Options()));

    [Fact]
    public void Options_AnyAddress_Refused() =>
        Assert.Throws<ArgumentException>(() => PeerConnection.CreateOfferer(new PeerConnectionOptions { LocalAddress = IPAddress.Any }));

    /// <summary>An ICE-lite endpoint that answers connectivity checks and drops everything else.</summary>
    private sealed class StunOnlyAnswerer : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly IceLiteResponder _ice;
        private readonly Thread _thread;

        public StunOnlyAnswerer(string offerSdp)
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
            Assert.True(SdpParser.TryParse(offerSdp, SdpType.Offer, out var offer, out _));
            var remote = DataChannelSdp.Describe(offer!);
            var local = IceCredentials.Generate();
            _ice = new IceLiteResponder(local, new IceCredentials(remote.IceUfrag, remote.IcePwd));
            var fp = DtlsCertificate.Generate().Fingerprint.ToString().Split(' ')[1];
            Answer = SdpWriter.Write(DataChannelSdp.CreateAnswer(offer!, new DataChannelSdpOptions(local.Ufrag, local.Password, new SdpFingerprint("sha-256", fp))
            {
                IceLite = true,
                IceTrickle = false,
                Candidates = new EquatableArray<IceCandidateLine>([new IceCandidateLine("1", 1, "udp", 2130706431, "127.0.0.1", port, IceCandidateType.Host)]),
            }));
            _thread = new Thread(Run) { IsBackground = true };
            _thread.Start();
        }

        public string Answer { get; }

        public void Dispose()
        {
            _socket.Dispose();
            _thread.Join();
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
                    _ice.HandleDatagram(PeerConnectionOptions.DefaultClock(), buffer.AsSpan(0, n), (IPEndPoint)from);
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

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>
/// <see cref="RtcCoreMuxHost"/>: an <see cref="RtcCore"/> answering as the agent's direct echo does (ICE-lite, DTLS server
/// or client per a=setup, SCTP, DCEP) on a shared <see cref="UdpMux"/> socket over real loopback UDP, against our
/// <see cref="PeerConnection"/> as offerer (its DTLS is the default engine, BouncyCastle: an independent implementation
/// of the handshake). Each ping is echoed from inside the core's poll loop on the mux receive thread that received it.
/// </summary>
public sealed class RtcCoreMuxHostTests
{
    [Theory]
    [InlineData(SdpSetup.Passive, 1)]
    [InlineData(SdpSetup.Active, 1)]
    [InlineData(SdpSetup.Passive, 3)]
    public async Task LiteEchoOnSharedSocket_PeerConnectionOfferer_EchoesOnTheReceiveThreadAndClosesCleanly(SdpSetup setup, int receiveThreads)
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerConnectionOptions.DefaultClock, "core-mux-test", receiveThreads);
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("echo");
        var echoed = new ConcurrentQueue<string>();
        channel.OnMessage = (_, m, _, _) => echoed.Enqueue(Encoding.UTF8.GetString(m));
        var echoThreads = new ConcurrentQueue<string?>();
        var events = new ConcurrentQueue<RtcOutputKind>();

        using var host = Answer(mux, offerer, setup, (RtcCoreMuxHost h, in RtcOutput output) =>
        {
            events.Enqueue(output.Kind);
            if (output.Kind == RtcOutputKind.Message)
            {
                echoThreads.Enqueue(Thread.CurrentThread.Name);
                byte[] pong = [.. "echo:"u8, .. output.Data.Span];
                h.Send(output.Channel, pong, output.IsText);
            }
        });

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        for (int i = 0; i < 100; i++)
        {
            Assert.True(channel.SendText(Encoding.UTF8.GetBytes($"ping {i}")));
        }

        await WaitUntilAsync(() => echoed.Count == 100);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"echo:ping {i}"), echoed);
        Assert.All(echoThreads, name => Assert.StartsWith("core-mux-test", name)); // no hand-off: the receive thread answered
        Assert.Equal(setup == SdpSetup.Passive ? DtlsRole.Client : DtlsRole.Server, offerer.DtlsRole);
        Assert.Contains(offerer.LocalEndPoint, host.Session.Remotes);

        host.Close();
        var end = await WithTimeout(host.WhenEnded);
        Assert.Equal(RtcOutputKind.Closed, end.Kind);
        Assert.Equal(RtcCloseReason.Local, end.CloseReason);
        var offererEnd = await WithTimeout(offerer.WhenEnded);
        Assert.Equal(PeerPhase.PeerClosed, offererEnd.Phase); // our SHUTDOWN, seen by the peer as an orderly close
        Assert.Equal(PeerConnectionState.Closed, offerer.State);
        Assert.Equal(0, mux.ReceiveErrors);
        Assert.Equal(new[] { RtcOutputKind.IceConnected, RtcOutputKind.DtlsConnected, RtcOutputKind.Connected, RtcOutputKind.ChannelOpen },
            events.Where(k => k is not (RtcOutputKind.Message or RtcOutputKind.GatheringComplete)).Take(4));
    }

    /// <summary>What the agent would do with an offer: describe it, configure a core, write the ICE-lite answer.</summary>
    private static RtcCoreMuxHost Answer(UdpMux mux, PeerConnection offerer, SdpSetup setup, RtcCoreEventHandler onEvent)
    {
        Assert.True(SdpParser.TryParse(offerer.CreateOffer(), SdpType.Offer, out var offer, out string error), error);
        Assert.True(DataChannelSdp.TryDescribe(offer!, out var remote, out error), error);
        Assert.True(DtlsFingerprint.TryParse(remote!.Fingerprint.ToString(), out var fingerprint));
        var localIce = IceCredentials.Generate();
        var certificate = DtlsCertificate.Generate();
        var host = new RtcCoreMuxHost(mux, new RtcCoreOptions
        {
            LocalEndpoint = mux.LocalEndPoint,
            LocalIce = localIce,
            RemoteIce = new IceCredentials(remote.IceUfrag, remote.IcePwd),
            IceMode = RtcIceMode.Lite,
            DtlsRole = setup == SdpSetup.Active ? DtlsRole.Client : DtlsRole.Server,
            Certificate = certificate,
            RemoteFingerprint = fingerprint!,
            RemoteSctpPort = (ushort)remote.SctpPort,
            RemoteMaxMessageSize = remote.MaxMessageSize is 0 or > 65536 ? 65536 : (int)remote.MaxMessageSize,
        }, PeerConnectionOptions.DefaultClock, TimeProvider.System, onEvent);
        var local = mux.LocalEndPoint;
        var candidate = new IceCandidateLine("1", 1, "udp", IcePriority.Compute(IcePriority.HostTypePreference, IcePriority.DefaultLocalPreference, 1),
            local.Address.ToString(), local.Port, IceCandidateType.Host);
        var answer = DataChannelSdp.CreateAnswer(offer!, new DataChannelSdpOptions(localIce.Ufrag, localIce.Password,
            new SdpFingerprint(SdpFingerprint.Sha256, certificate.Fingerprint.ToString().Split(' ')[1]))
        {
            Candidates = new EquatableArray<IceCandidateLine>([candidate]),
            IceLite = true,
            IceTrickle = false,
            Setup = setup,
            MaxMessageSize = 65536,
        });
        offerer.SetRemoteAnswer(SdpWriter.Write(answer));
        return host;
    }
}

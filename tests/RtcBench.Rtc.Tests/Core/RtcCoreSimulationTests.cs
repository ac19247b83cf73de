using System.Text;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>
/// Two <see cref="RtcCore"/>s, the whole stack (ICE, DTLS, SCTP, DCEP), over the seeded <see cref="SimulatedNetwork"/> in
/// virtual time. Our implementation against itself: these prove the composition is correct under loss, delay, jitter,
/// reordering and duplication, not interoperability (RtcCoreBouncyCastleTests and the interop matrix do that).
/// </summary>
public sealed class RtcCoreSimulationTests
{
    private static readonly SimulatedLinkOptions Clean = new() { DelayNs = 10 * RtcTime.NsPerMs };

    private static readonly SimulatedLinkOptions Lossy = new()
    {
        DelayNs = 15 * RtcTime.NsPerMs,
        JitterNs = 10 * RtcTime.NsPerMs,
        LossRate = 0.15,
        DuplicateRate = 0.05,
        ReorderRate = 0.1,
        ReorderDelayNs = 25 * RtcTime.NsPerMs,
    };

    private static RtcCoreOptions Patient(RtcCoreOptions o) => o with
    {
        DtlsTimeoutNs = 60 * RtcTime.NsPerSecond, SctpTimeoutNs = 90 * RtcTime.NsPerSecond, ChannelOpenTimeoutNs = 90 * RtcTime.NsPerSecond,
    };

    public static TheoryData<bool, DtlsRole> Shapes => new()
    {
        { true, DtlsRole.Server },
        { true, DtlsRole.Client },
        { false, DtlsRole.Server },
        { false, DtlsRole.Client },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OwnVsOwn_CleanLink_IceDtlsSctpUpInOrderAndDcepChannelCarriesTextBothWays(bool bLite, DtlsRole aDtls)
    {
        using var pair = new RtcCorePair(1, Clean, bLite, aDtls);
        int channel = pair.A.Open(0, new RtcChannelOptions { Label = "chat" });

        Assert.True(pair.RunUntil(() => pair.A.IsOpen(channel) && pair.B.Core.Channels.Count == 1), pair.Net.Describe());

        foreach (var peer in new[] { pair.A, pair.B })
        {
            long ice = peer.FirstAt(RtcOutputKind.IceConnected)!.Value;
            long dtls = peer.FirstAt(RtcOutputKind.DtlsConnected)!.Value;
            long sctp = peer.FirstAt(RtcOutputKind.Connected)!.Value;
            Assert.True(ice < dtls && dtls < sctp, $"{ice} {dtls} {sctp}");
            Assert.Equal(RtcCoreState.Connected, peer.Core.State);
            Assert.Equal(0, peer.Misdirected);
        }

        // A, DTLS client, opens on even streams; as server on odd ones (RFC 8832 §6).
        Assert.Equal(aDtls == DtlsRole.Client ? 0 : 1, pair.A.Core.Channel(channel).StreamId);
        var theirs = pair.B.Core.Channels[0];
        Assert.Equal("chat", theirs.Label);
        Assert.False(theirs.IsLocal);
        Assert.Equal(RtcChannelState.Open, theirs.State);
        Assert.Equal(0xC02B, pair.A.Core.Dtls.Negotiated!.CipherSuite);

        long sentAt = pair.Net.NowNs;
        pair.A.Send(sentAt, channel, "ping"u8.ToArray(), isText: true);
        Assert.True(pair.RunUntil(() => pair.B.On(theirs.Id).Count == 1));
        var (data, isText, receivedNs) = pair.B.On(theirs.Id)[0];
        Assert.Equal("ping", Encoding.UTF8.GetString(data));
        Assert.True(isText);
        Assert.Equal(pair.Net.NowNs, receivedNs);
        Assert.Equal(sentAt + Clean.DelayNs, receivedNs); // one link delay: nothing waits on a timer

        pair.B.Send(pair.Net.NowNs, theirs.Id, [1, 2, 3]);
        pair.B.Send(pair.Net.NowNs, theirs.Id, []); // an empty message (PPID 57, RFC 8831 §6.6)
        Assert.True(pair.RunUntil(() => pair.A.On(channel).Count == 2));
        Assert.Equal(new byte[] { 1, 2, 3 }, pair.A.On(channel)[0].Data);
        Assert.False(pair.A.On(channel)[0].IsText);
        Assert.Empty(pair.A.On(channel)[1].Data);
    }

    [Fact]
    public void OwnVsOwn_NegotiatedChannelsOpenedBeforeConnect_OpenAtConnectWithoutDcepAndCarryBothWays()
    {
        using var pair = new RtcCorePair(2, Clean);
        int a = pair.A.Open(0, new RtcChannelOptions { Label = "n", Negotiated = true, StreamId = 7 });
        int b = pair.B.Open(0, new RtcChannelOptions { Label = "n", Negotiated = true, StreamId = 7 });

        Assert.True(pair.RunUntil(() => pair.A.IsOpen(a) && pair.B.IsOpen(b)));

        // Opened by the association, not by a DCEP ACK: at the same instant as Connected.
        Assert.Equal(pair.A.FirstAt(RtcOutputKind.Connected), pair.A.FirstAt(RtcOutputKind.ChannelOpen));
        Assert.Equal(pair.B.FirstAt(RtcOutputKind.Connected), pair.B.FirstAt(RtcOutputKind.ChannelOpen));
        Assert.Single(pair.B.Core.Channels); // no channel of the peer's appeared: no DCEP OPEN was sent
        pair.A.Send(pair.Net.NowNs, a, [42]);
        pair.B.Send(pair.Net.NowNs, b, [43]);
        Assert.True(pair.RunUntil(() => pair.A.On(a).Count == 1 && pair.B.On(b).Count == 1));
        Assert.Equal(43, pair.A.On(a)[0].Data[0]);
        Assert.Equal(42, pair.B.On(b)[0].Data[0]);
    }

    [Fact]
    public void OwnVsOwn_ReliableChannelUnderLossDupReorder_EveryMessageInOrder_ManySeeds()
    {
        const int messages = 60;
        for (int seed = 0; seed < 100; seed++)
        {
            // SCTP's T1 backs off 1, 2, 4, 8 s, and the RTO stays backed off until a new RTT sample (a DCEP OPEN sent then
            // is retransmitted after 16 s, then 32 s): under 15 % loss each way the default 10 s for the association and
            // for the DCEP ACK are short (seed 1009 needs 16 s to establish and more than 40 s to open); so are DTLS's 10 s
            // with flights resent at 1, 3 and 7 s (seed 1054 lost every ClientHello or its answer).
            using var pair = new RtcCorePair(1000 + seed, Lossy, bLite: seed % 2 == 0, aDtls: seed % 4 < 2 ? DtlsRole.Server : DtlsRole.Client,
                a: Patient, b: Patient);
            int channel = pair.A.Open(0, new RtcChannelOptions { Label = "reliable" });
            Assert.True(pair.RunUntil(() => pair.A.IsOpen(channel), 180 * RtcTime.NsPerSecond), "open: " + pair.Net.Describe() + Trace(pair));
            int theirs = pair.B.Core.Channels[0].Id;
            int sent = 0;
            pair.Net.AfterStep = net =>
            {
                // One message per step, in bursts: also while earlier ones are still being retransmitted.
                for (int i = 0; i < 3 && sent < messages; i++, sent++)
                {
                    Assert.True(pair.A.Send(net.NowNs, channel, BitConverter.GetBytes(sent)));
                }
            };

            Assert.True(pair.RunUntil(() => pair.B.On(theirs).Count == messages, 120 * RtcTime.NsPerSecond),
                $"delivered {pair.B.On(theirs).Count}/{messages}: {pair.Net.Describe()}");
            var got = pair.B.On(theirs).Select(m => BitConverter.ToInt32(m.Data)).ToArray();
            Assert.Equal(Enumerable.Range(0, messages), got);
            Assert.True(pair.Net.AToB.Stats.Lost > 0, pair.Net.Describe());
            Assert.Equal(RtcCoreState.Connected, pair.A.Core.State);
            Assert.Equal(RtcCoreState.Connected, pair.B.Core.State);
        }
    }

    private static string Trace(RtcCorePair pair) =>
        $" A: {pair.A.Core.State} {pair.A.Core.Failure} {pair.A.Core.FailureDetail} [{string.Join(", ", pair.A.Events.Select(e => $"{e.At / 1e6:F0}ms {e.Kind}"))}]"
        + $" B: {pair.B.Core.State} {pair.B.Core.Failure} {pair.B.Core.FailureDetail} [{string.Join(", ", pair.B.Events.Select(e => $"{e.At / 1e6:F0}ms {e.Kind}"))}]"
        + $" dropped A={pair.A.Core.DroppedDatagrams} B={pair.B.Core.DroppedDatagrams}" + Sctp(pair.A) + Sctp(pair.B);

    private static string Sctp(RtcCoreSimPeer peer) => peer.Core.Sctp is { } s
        ? $" sctp {s.State} rx={s.Stats.PacketsReceived} tx={s.Stats.PacketsSent} inits={s.Stats.InitsSent} tags={s.Stats.BadVerificationTags} cookies={s.Stats.BadCookies} ignored={s.Stats.IgnoredChunks} dtls dropped={peer.Core.Dtls.DroppedDatagrams} replayed={peer.Core.Dtls.ReplayedRecords}"
        : " no sctp";

    [Fact]
    public void OwnVsOwn_UnorderedMaxRetransmitsZero_LosesSomeNeverDuplicatesAndDeliversOutOfOrder()
    {
        const int messages = 400;
        var link = Lossy with { LossRate = 0.2, JitterNs = 30 * RtcTime.NsPerMs, ReorderRate = 0.2 };
        using var pair = new RtcCorePair(77, link);
        int lossy = pair.A.Open(0, new RtcChannelOptions { Label = "lossy", Ordered = false, MaxRetransmits = 0 });
        int reliable = pair.A.Open(0, new RtcChannelOptions { Label = "reliable" });
        Assert.True(pair.RunUntil(() => pair.A.IsOpen(lossy) && pair.A.IsOpen(reliable), 60 * RtcTime.NsPerSecond), pair.Net.Describe());
        int theirLossy = pair.B.Core.Channels.Single(c => c.Label == "lossy").Id;
        Assert.False(pair.B.Core.Channel(theirLossy).Ordered);
        Assert.Equal(0, pair.B.Core.Channel(theirLossy).MaxRetransmits);

        for (int i = 0; i < messages; i++)
        {
            pair.A.Send(pair.Net.NowNs, lossy, BitConverter.GetBytes(i));
            pair.Net.RunFor(2 * RtcTime.NsPerMs);
        }

        pair.A.Send(pair.Net.NowNs, reliable, [1]); // a reliable marker: once it is in, the lossy ones had their chance
        int theirReliable = pair.B.Core.Channels.Single(c => c.Label == "reliable").Id;
        Assert.True(pair.RunUntil(() => pair.B.On(theirReliable).Count == 1));
        pair.Net.RunFor(5 * RtcTime.NsPerSecond);

        var got = pair.B.On(theirLossy).Select(m => BitConverter.ToInt32(m.Data)).ToArray();
        Assert.Equal(got.Length, got.Distinct().Count()); // duplicated packets never deliver a message twice
        Assert.All(got, v => Assert.InRange(v, 0, messages - 1));
        Assert.InRange(got.Length, messages / 2, messages - 1); // some lost for good (no retransmission), most in
        Assert.Contains(got.Zip(got.Skip(1)), p => p.First > p.Second); // unordered: delivered as they came
        Assert.Equal(RtcCoreState.Connected, pair.B.Core.State);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OwnVsOwn_PeerVanishesAfterConnect_ConsentExpiresWithin30sOfTheLastAnswer(bool bLite)
    {
        using var pair = new RtcCorePair(5, Clean, bLite);
        Assert.True(pair.RunUntil(() => pair.BothConnected));
        pair.Net.RunFor(20 * RtcTime.NsPerSecond); // consent checks have been answered for a while
        long cut = pair.Net.NowNs;
        pair.Net.AToB.Options = Clean with { Up = false };
        pair.Net.BToA.Options = Clean with { Up = false };

        Assert.True(pair.RunUntil(() => pair.A.Has(RtcOutputKind.Failed) && pair.B.Has(RtcOutputKind.Failed), 60 * RtcTime.NsPerSecond));

        foreach (var peer in new[] { pair.A, pair.B })
        {
            Assert.Equal(RtcFailureReason.ConsentExpired, peer.Core.Failure);
            long failedAt = peer.FirstAt(RtcOutputKind.Failed)!.Value;
            // The last proof of consent came at most one consent interval (5 s × 1.2, plus a round trip) before the cut;
            // expiry is 30 s after it.
            Assert.InRange(failedAt, cut + (24 * RtcTime.NsPerSecond) - (2 * Clean.DelayNs), cut + (30 * RtcTime.NsPerSecond));
            Assert.Equal(RtcTime.Never, peer.Core.NextTimeoutNs);
            Assert.Equal(RtcCoreState.Failed, peer.Core.State);
        }
    }

    [Fact]
    public void OwnVsOwn_PeerNeverThere_FullAgentIceTimeoutAtExactly30sAndLiteAtItsIceTimeout()
    {
        var down = Clean with { Up = false };
        using var pair = new RtcCorePair(6, down, b: o => o with { IceTimeoutNs = 12 * RtcTime.NsPerSecond });

        Assert.True(pair.RunUntil(() => pair.A.Has(RtcOutputKind.Failed) && pair.B.Has(RtcOutputKind.Failed), 60 * RtcTime.NsPerSecond));

        Assert.Equal(RtcFailureReason.IceTimeout, pair.A.Core.Failure);
        Assert.Equal(30 * RtcTime.NsPerSecond, pair.A.FirstAt(RtcOutputKind.Failed)); // IceAgentOptions.ConnectTimeoutNs
        Assert.Equal(RtcFailureReason.IceTimeout, pair.B.Core.Failure);
        Assert.Equal(12 * RtcTime.NsPerSecond, pair.B.FirstAt(RtcOutputKind.Failed));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OwnVsOwn_PeersDtlsNeverArrives_DtlsTimeoutExactlyDtlsTimeoutAfterIceConnected(bool bLite)
    {
        using var pair = new RtcCorePair(7, Clean, bLite);
        pair.A.DropIncomingDtls = true; // ICE works both ways; B's DTLS never reaches A, so A's never gets answers
        pair.B.DropIncomingDtls = true;

        Assert.True(pair.RunUntil(() => pair.A.Has(RtcOutputKind.Failed) && pair.B.Has(RtcOutputKind.Failed), 60 * RtcTime.NsPerSecond));

        foreach (var peer in new[] { pair.A, pair.B })
        {
            Assert.Equal(RtcFailureReason.DtlsTimeout, peer.Core.Failure);
            Assert.Equal(peer.FirstAt(RtcOutputKind.IceConnected) + (10 * RtcTime.NsPerSecond), peer.FirstAt(RtcOutputKind.Failed));
        }
    }

    [Fact]
    public void OwnVsOwn_WrongFingerprint_VerifierFailsFingerprintMismatchAndPeerGetsTheAlertTyped()
    {
        using var pair = new RtcCorePair(8, Clean, aDtls: DtlsRole.Client,
            b: o => o with { RemoteFingerprint = DtlsCertificate.Generate().Fingerprint });

        Assert.True(pair.RunUntil(() => pair.A.Has(RtcOutputKind.Failed) && pair.B.Has(RtcOutputKind.Failed), 30 * RtcTime.NsPerSecond));

        Assert.Equal(RtcFailureReason.DtlsFingerprintMismatch, pair.B.Core.Failure);
        Assert.Equal(RtcFailureReason.DtlsAlert, pair.A.Core.Failure);
        Assert.Equal(42, pair.A.Core.DtlsAlert); // bad_certificate
        Assert.False(pair.A.Has(RtcOutputKind.Connected));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void OwnVsOwn_Close_ShutsSctpDownThenDtlsBothSidesClosedInOrderNoFailure(double loss)
    {
        using var pair = new RtcCorePair(9, Clean with { LossRate = loss });
        int channel = pair.A.Open(0, new RtcChannelOptions { Label = "x" });
        Assert.True(pair.RunUntil(() => pair.A.IsOpen(channel) && pair.B.Core.Channels.Count == 1, 60 * RtcTime.NsPerSecond));
        for (int i = 0; i < 20; i++)
        {
            pair.A.Send(pair.Net.NowNs, channel, [(byte)i]);
        }

        pair.A.Input(pair.Net.NowNs, RtcInput.Close);

        Assert.True(pair.RunUntil(() => pair.A.Core.State == RtcCoreState.Closed && pair.B.Core.State == RtcCoreState.Closed,
            60 * RtcTime.NsPerSecond), pair.Net.Describe());
        Assert.Equal(RtcCloseReason.Local, pair.A.Core.CloseReason);
        Assert.Contains(pair.B.Core.CloseReason, new RtcCloseReason?[] { RtcCloseReason.PeerShutdown, RtcCloseReason.PeerCloseNotify });
        Assert.Equal(20, pair.B.On(pair.B.Core.Channels[0].Id).Count); // queued data went out before SHUTDOWN (RFC 9260 §9.2)
        foreach (var peer in new[] { pair.A, pair.B })
        {
            Assert.False(peer.Has(RtcOutputKind.Failed));
            Assert.Equal(RtcChannelState.Closed, peer.Core.Channels[0].State);
            int closedIndex = peer.Events.FindIndex(e => e.Kind == RtcOutputKind.ChannelClosed);
            Assert.True(closedIndex >= 0 && closedIndex < peer.Events.FindIndex(e => e.Kind == RtcOutputKind.Closed));
            Assert.Equal(RtcTime.Never, peer.Core.NextTimeoutNs);
        }

        if (loss == 0)
        {
            Assert.Equal(RtcCloseReason.PeerShutdown, pair.B.Core.CloseReason);
        }
    }

    [Fact]
    public void OwnVsOwn_CloseOneChannel_BothSidesSeeItClosedAndTheOtherKeepsWorking()
    {
        using var pair = new RtcCorePair(10, Clean);
        int first = pair.A.Open(0, new RtcChannelOptions { Label = "first" });
        int second = pair.A.Open(0, new RtcChannelOptions { Label = "second" });
        Assert.True(pair.RunUntil(() => pair.A.IsOpen(first) && pair.A.IsOpen(second) && pair.B.Core.Channels.Count == 2));
        int theirFirst = pair.B.Core.Channels.Single(c => c.Label == "first").Id;
        int theirSecond = pair.B.Core.Channels.Single(c => c.Label == "second").Id;

        pair.A.Input(pair.Net.NowNs, RtcInput.CloseChannel(first));

        Assert.True(pair.RunUntil(() => pair.A.Core.Channel(first).State == RtcChannelState.Closed
                                         && pair.B.Core.Channel(theirFirst).State == RtcChannelState.Closed));
        Assert.Contains(pair.B.Events, e => e.Kind == RtcOutputKind.ChannelClosed && e.Channel == theirFirst);
        Assert.False(pair.A.Send(pair.Net.NowNs, first, [1]));
        Assert.True(pair.A.Send(pair.Net.NowNs, second, [2]));
        Assert.True(pair.RunUntil(() => pair.B.On(theirSecond).Count == 1));
        Assert.Equal(RtcCoreState.Connected, pair.A.Core.State);
    }

    [Fact]
    public void OwnVsOwn_EchoFromInsideThePollLoop_EveryPingComesBackOnTheSameChannel()
    {
        using var pair = new RtcCorePair(11, Lossy);
        pair.B.Echo = true;
        int channel = pair.A.Open(0, new RtcChannelOptions { Label = "echo" });
        Assert.True(pair.RunUntil(() => pair.A.IsOpen(channel), 60 * RtcTime.NsPerSecond));
        for (int i = 0; i < 50; i++)
        {
            pair.A.Send(pair.Net.NowNs, channel, BitConverter.GetBytes(i));
            pair.Net.RunFor(10 * RtcTime.NsPerMs);
        }

        Assert.True(pair.RunUntil(() => pair.A.On(channel).Count == 50));
        Assert.Equal(Enumerable.Range(0, 50), pair.A.On(channel).Select(m => BitConverter.ToInt32(m.Data)));
    }
}

/// <summary>Hostile and misaddressed input never throws, never ends a connected session, and is counted.</summary>
public sealed class RtcCoreRobustnessTests
{
    [Fact]
    public void OwnVsOwn_GarbageStunDtlsAndOtherBytes_DroppedSessionStaysUpAndStillDelivers()
    {
        using var pair = new RtcCorePair(12, new() { DelayNs = 5 * RtcTime.NsPerMs });
        int channel = pair.A.Open(0, new RtcChannelOptions { Label = "x" });
        Assert.True(pair.RunUntil(() => pair.A.IsOpen(channel) && pair.B.Core.Channels.Count == 1));
        var random = new Random(12);
        var stranger = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.9.9.9"), 999);
        long droppedBefore = pair.B.Core.DroppedDatagrams;

        for (int i = 0; i < 3000; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            if (junk.Length > 0)
            {
                junk[0] = (byte)(i % 3 == 0 ? random.Next(0, 4) : i % 3 == 1 ? random.Next(20, 64) : random.Next(64, 256));
            }

            if (junk.Length > 13 && i % 2 == 0)
            {
                junk[1] = 0xFE; // DTLS-shaped header: reaches the record layer, which must drop it
                junk[2] = 0xFD;
            }

            var from = i % 5 == 0 ? stranger : RtcCorePair.AddressA;
            pair.B.Core.HandleInput(pair.Net.NowNs, RtcInput.Receive(junk, from, RtcCorePair.AddressB));
            pair.B.Drain(pair.Net.NowNs);
        }

        // Addressed to another local endpoint: not ours.
        Assert.False(pair.B.Core.HandleInput(pair.Net.NowNs, RtcInput.Receive(new byte[] { 23, 0xFE, 0xFD }, RtcCorePair.AddressA, stranger)));

        Assert.True(pair.B.Core.DroppedDatagrams > droppedBefore);
        Assert.Equal(RtcCoreState.Connected, pair.B.Core.State);
        pair.A.Send(pair.Net.NowNs, channel, [7]);
        int theirs = pair.B.Core.Channels[0].Id;
        Assert.True(pair.RunUntil(() => pair.B.On(theirs).Count == 1));
        Assert.Equal(7, pair.B.On(theirs)[0].Data[0]);
    }

    [Fact]
    public void Misuse_UnknownChannelAndBadOptions_ThrowArgumentException()
    {
        using var pair = new RtcCorePair(13, SimulatedLinkOptions.Perfect);
        Assert.Throws<ArgumentException>(() => pair.A.Core.HandleInput(0, RtcInput.Send(5, [1], false)));
        Assert.Throws<ArgumentException>(() => pair.A.Core.OpenChannel(0, new RtcChannelOptions { MaxRetransmits = 1, MaxPacketLifeTimeMs = 5 }));
        Assert.Throws<ArgumentException>(() => pair.A.Core.OpenChannel(0, new RtcChannelOptions { Negotiated = true }));
        Assert.Throws<ArgumentException>(() => pair.A.Core.OpenChannel(0, new RtcChannelOptions { StreamId = 3 }));
        pair.A.Core.OpenChannel(0, new RtcChannelOptions { Negotiated = true, StreamId = 3 });
        Assert.Throws<InvalidOperationException>(() => pair.A.Core.OpenChannel(0, new RtcChannelOptions { Negotiated = true, StreamId = 3 }));
    }
}

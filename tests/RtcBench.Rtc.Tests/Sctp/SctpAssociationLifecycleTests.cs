using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

public sealed class SctpAssociationLifecycleTests
{
    private static readonly SimulatedLinkOptions Clean = new() { DelayNs = 20 * RtcTime.NsPerMs };

    [Fact]
    public void SimultaneousOpen_BothConnect()
    {
        var pair = new SctpPair(3, Clean, connect: false);
        pair.A.Association.Connect();
        pair.B.Association.Connect();
        pair.Require(pair.RunUntil(() => pair.A.Connected && pair.B.Connected, 30 * RtcTime.NsPerSecond), "simultaneous open");
        pair.A.Association.Send(0, 51, "x"u8);
        pair.B.Association.Send(0, 51, "y"u8);
        pair.Require(pair.RunUntil(() => pair.A.Messages.Count == 1 && pair.B.Messages.Count == 1, 5 * RtcTime.NsPerSecond), "data after simultaneous open");
        Assert.Single(pair.A.Events.OfType<SctpConnected>());
        Assert.Single(pair.B.Events.OfType<SctpConnected>());
    }

    [Fact]
    public void Shutdown_AfterData_DeliversEverythingThenClosesBothSides()
    {
        var pair = new SctpPair(4, new SimulatedLinkOptions { LossRate = 0.1 });
        for (var i = 0; i < 50; i++)
        {
            pair.A.Association.Send(0, 53, SctpMessages.Payload(i, 5000));
        }

        pair.A.Association.Shutdown();
        Assert.Throws<InvalidOperationException>(() => pair.A.Association.Send(0, 53, "late"u8));
        pair.Require(pair.RunUntil(() => pair.A.Closed is not null && pair.B.Closed is not null, 120 * RtcTime.NsPerSecond), "shutdown");
        Assert.Equal(50, pair.B.Messages.Count);
        Assert.Equal(SctpCloseReason.Shutdown, pair.A.Closed!.Reason);
        Assert.Equal(SctpCloseReason.Shutdown, pair.B.Closed!.Reason);
        Assert.Equal(RtcTime.Never, pair.A.Association.NextTimeoutNs);
    }

    [Fact]
    public void Abort_PeerSeesUserInitiatedAbort()
    {
        var pair = new SctpPair(5, Clean);
        pair.A.Association.Abort("Close called");
        pair.Require(pair.RunUntil(() => pair.B.Closed is not null, 5 * RtcTime.NsPerSecond), "abort");
        var aborted = Assert.Single(pair.B.Events.OfType<SctpAborted>());
        Assert.Equal(SctpErrorCauseCode.UserInitiatedAbort, aborted.CauseCode);
        Assert.Equal("Close called", aborted.Detail);
        Assert.Equal(SctpCloseReason.PeerAbort, pair.B.Closed!.Reason);
        pair.A.Drain();
        Assert.Equal(SctpCloseReason.LocalAbort, pair.A.Closed!.Reason);
    }

    [Fact]
    public void DeadPeer_FailsAfterMaxRetransmissions_WithBackoff()
    {
        var pair = new SctpPair(6, Clean);
        pair.Net.AToB.Options = Clean with { Up = false };
        pair.Net.BToA.Options = Clean with { Up = false };
        var a = pair.A.Association;
        var expirations = new List<(long At, long Rto)>();
        pair.Net.AfterStep = n =>
        {
            if (a.Stats.T3Expirations > expirations.Count)
            {
                expirations.Add((n.NowNs, a.RtoNs));
            }
        };
        a.Send(0, 51, "hello"u8);
        pair.Require(pair.RunUntil(() => pair.A.Closed is not null, 3600 * RtcTime.NsPerSecond), "dead peer detection");
        Assert.Equal(SctpCloseReason.Failed, pair.A.Closed!.Reason);
        Assert.Equal(11, a.Stats.T3Expirations); // Association.Max.Retrans = 10: the 11th timeout kills it
        for (var i = 1; i < expirations.Count; i++)
        {
            // RFC 9260 §6.3.3 E2: RTO doubles on each expiry, capped at RTO.Max.
            Assert.Equal(Math.Min(expirations[i - 1].Rto * 2, 60 * RtcTime.NsPerSecond), expirations[i].Rto);
            Assert.Equal(expirations[i - 1].Rto, expirations[i].At - expirations[i - 1].At);
        }

        Assert.Equal(RtcTime.Never, a.NextTimeoutNs);
    }

    [Fact]
    public void LostInits_BackOffT1Only_TheAssociationStartsAtTheInitialRto()
    {
        var pair = new SctpPair(8, Clean with { Up = false }, connect: false);
        pair.Net.BToA.Options = Clean;
        var a = pair.A.Association;
        a.Connect();
        var initsAt = new List<long> { pair.Net.NowNs };
        pair.Net.AfterStep = n =>
        {
            if (a.Stats.InitsSent > initsAt.Count)
            {
                initsAt.Add(n.NowNs);
                if (initsAt.Count == 3)
                {
                    n.AToB.Options = Clean; // The third INIT, still on the wire, gets through.
                }
            }
        };

        pair.Require(pair.RunUntil(() => pair.A.Connected && pair.B.Connected, 600 * RtcTime.NsPerSecond), "connect");

        Assert.Equal(3, a.Stats.InitsSent);
        Assert.Equal(2 * (initsAt[1] - initsAt[0]), initsAt[2] - initsAt[1]); // T1 doubles on each expiry...
        Assert.Equal(new SctpOptions().RtoInitialNs, a.RtoNs); // ...but the association's RTO does not inherit it.
    }

    [Fact]
    public void NoAnswerToInit_FailsAfterMaxInitRetransmits()
    {
        var pair = new SctpPair(7, Clean with { Up = false }, connect: false);
        pair.A.Association.Connect();
        pair.Require(pair.RunUntil(() => pair.A.Closed is not null, 3600 * RtcTime.NsPerSecond), "init failure");
        Assert.Equal(SctpCloseReason.Failed, pair.A.Closed!.Reason);
        Assert.Equal(9, pair.Net.AToB.Stats.Sent); // INIT + 8 retransmissions
    }

    [Fact]
    public void IdlePeer_HeartbeatsKeepItAlive_AndDeadIdlePeerIsDetected()
    {
        var pair = new SctpPair(8, Clean);
        pair.Net.RunFor(300 * RtcTime.NsPerSecond);
        Assert.True(pair.A.Association.Stats.HeartbeatsSent >= 5);
        Assert.Null(pair.A.Closed);
        pair.Net.AToB.Options = Clean with { Up = false };
        pair.Require(pair.RunUntil(() => pair.A.Closed is not null, 3600 * RtcTime.NsPerSecond), "idle dead peer");
        Assert.Equal(SctpCloseReason.Failed, pair.A.Closed!.Reason);
    }

    [Fact]
    public void DelayedSack_SingleSmallMessage_AckedAfterDelayedAckTimer()
    {
        var pair = new SctpPair(9, Clean);
        var start = pair.Net.NowNs;
        long sackAt = -1;
        pair.Net.AfterStep = n =>
        {
            if (sackAt < 0 && pair.A.Association.Stats.SacksReceived > 0)
            {
                sackAt = n.NowNs;
            }
        };
        pair.A.Association.Send(0, 51, "ping"u8);
        pair.Net.RunFor(2 * RtcTime.NsPerSecond);
        // 20 ms there, 200 ms delayed-ack timer, 20 ms back.
        Assert.Equal(start + 240 * RtcTime.NsPerMs, sackAt);
    }

    [Fact]
    public void PartialReliability_MaxRetransmitsZero_UnderLoss_AbandonsAndKeepsFlowing()
    {
        var pair = new SctpPair(10, new SimulatedLinkOptions { DelayNs = 20 * RtcTime.NsPerMs, LossRate = 0.1 });
        for (var i = 0; i < 300; i++)
        {
            pair.A.Association.Send(1, 53, SctpMessages.Payload(i, 2500), new SendOptions(Ordered: false, MaxRetransmits: 0));
        }

        pair.A.Association.Send(2, 53, "reliable-tail"u8);
        pair.Require(pair.RunUntil(() => pair.B.Messages.Any(m => m.StreamId == 2) && pair.A.Association.BufferedAmount == 0,
            120 * RtcTime.NsPerSecond), "flow after abandonment");
        var s = pair.A.Association.Stats;
        pair.Require(s.MessagesAbandoned > 0 && s.ForwardTsnsSent > 0, "abandoned + FORWARD-TSN");
        var got = pair.B.Messages.Where(m => m.StreamId == 1).ToList();
        Assert.InRange(got.Count, 150, 299);
        Assert.All(got, m => Assert.Equal(SctpMessages.Payload(BitConverter.ToInt32(m.Data), 2500), m.Data));
        Assert.True(pair.B.Association.Stats.ForwardTsnsReceived > 0);
    }

    [Fact]
    public void PartialReliability_OrderedLifetime_SkipsSsnsWithoutStalling()
    {
        var pair = new SctpPair(12, new SimulatedLinkOptions { DelayNs = 20 * RtcTime.NsPerMs, LossRate = 0.15 });
        for (var i = 0; i < 300; i++)
        {
            pair.A.Association.Send(1, 53, SctpMessages.Payload(i, 1500), new SendOptions(Ordered: true, LifetimeNs: 100 * RtcTime.NsPerMs));
        }

        pair.A.Association.Send(1, 53, SctpMessages.Payload(1000, 100)); // reliable, same stream, after the others
        pair.Require(pair.RunUntil(() => pair.B.Messages.Any(m => BitConverter.ToInt32(m.Data) == 1000), 120 * RtcTime.NsPerSecond),
            "ordered stream continues past abandoned SSNs");
        var indices = pair.B.Messages.Select(m => BitConverter.ToInt32(m.Data)).ToList();
        Assert.Equal(indices.Order(), indices); // still in order
        pair.Require(pair.A.Association.Stats.MessagesAbandoned > 0, "some messages expired");
    }

    [Fact]
    public void StreamReset_BothDirections_LikeDataChannelClose_SsnRestarts()
    {
        var pair = new SctpPair(13, Clean);
        pair.A.Association.Send(3, 51, "before"u8);
        pair.A.Association.ResetStreams([3]);
        pair.Require(pair.RunUntil(() => pair.B.Events.OfType<SctpStreamReset>().Any() && pair.A.Events.OfType<SctpStreamReset>().Any(),
            10 * RtcTime.NsPerSecond), "reset");
        var incoming = pair.B.Events.OfType<SctpStreamReset>().Single();
        Assert.True(incoming.Incoming);
        Assert.Equal([3], incoming.StreamIds);
        Assert.False(pair.A.Events.OfType<SctpStreamReset>().Single().Incoming);
        Assert.Equal("before"u8.ToArray(), pair.B.Messages.Single().Data);

        // The peer answers by resetting its own outgoing stream (the dc.close() dance), then SSN 0 works again.
        pair.B.Association.ResetStreams([3]);
        pair.Require(pair.RunUntil(() => pair.A.Events.OfType<SctpStreamReset>().Count() == 2, 10 * RtcTime.NsPerSecond), "reset back");
        pair.A.Association.Send(3, 51, "after"u8);
        pair.Require(pair.RunUntil(() => pair.B.Messages.Count == 2, 10 * RtcTime.NsPerSecond), "data after reset");
        Assert.Equal("after"u8.ToArray(), pair.B.Messages[1].Data);
    }

    [Fact]
    public void Send_Misuse_Throws()
    {
        var pair = new SctpPair(14, Clean);
        Assert.Throws<ArgumentException>(() => pair.A.Association.Send(0, 51, ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentException>(() => pair.A.Association.Send(0, 51, new byte[256 * 1024 + 1]));
        Assert.Throws<InvalidOperationException>(() => pair.A.Association.Connect());
        Assert.Throws<ArgumentException>(() => new SctpAssociation(new SctpOptions { MaxPacketSize = 10 }));
    }

    [Fact]
    public void Send_BufferFull_ReturnsFalse()
    {
        var a = new SctpAssociation(new SctpOptions { MaxSendBufferBytes = 300_000 });
        Assert.True(a.Send(0, 53, new byte[200_000]));
        Assert.False(a.Send(0, 53, new byte[200_000]));
    }
}

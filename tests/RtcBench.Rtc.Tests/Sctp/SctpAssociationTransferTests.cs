using System.Diagnostics;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

public sealed class SctpAssociationTransferTests
{
    private static readonly SimulatedLinkOptions Clean = new() { DelayNs = 20 * RtcTime.NsPerMs };

    private static readonly SimulatedLinkOptions Lossy = new()
    {
        DelayNs = 20 * RtcTime.NsPerMs, JitterNs = 5 * RtcTime.NsPerMs, LossRate = 0.05, ReorderRate = 0.05,
        DuplicateRate = 0.02,
    };

    private static SctpPair SendMixed(int seed, SimulatedLinkOptions link, int count, SendOptions options, out List<byte[]> sent)
    {
        var pair = new SctpPair(seed, link);
        var sizes = SctpMessages.MixedSizes(count, new Random(seed));
        sent = [];
        for (var i = 0; i < count; i++)
        {
            var p = SctpMessages.Payload(i, sizes[i]);
            sent.Add(p);
            Assert.True(pair.A.Association.Send((ushort)(i % 3), 53, p, options));
        }

        var b = pair.B;
        pair.Require(pair.RunUntil(() => b.Messages.Count == count, 600 * RtcTime.NsPerSecond), "deliver all");
        return pair;
    }

    [Fact]
    public void Handshake_BothSidesConnected()
    {
        var pair = new SctpPair(1, Clean);
        Assert.Equal(SctpState.Established, pair.A.Association.State);
        Assert.Equal(SctpState.Established, pair.B.Association.State);
        Assert.Equal(2, pair.Net.AToB.Stats.Sent); // INIT, COOKIE-ECHO
        Assert.Equal(2, pair.Net.BToA.Stats.Sent); // INIT-ACK, COOKIE-ACK
    }

    [Fact]
    public void Handshake_Lossy_StillConnects()
    {
        for (var seed = 1; seed <= 20; seed++)
        {
            _ = new SctpPair(seed, new SimulatedLinkOptions { LossRate = 0.2 });
        }
    }

    [Theory]
    [InlineData(11)]
    public void Ordered_1000MixedSizes_NoLoss_IntactAndInOrderPerStream(int seed)
    {
        var pair = SendMixed(seed, Clean, 1000, SendOptions.Reliable, out var sent);
        AssertInOrderPerStream(pair, sent);
        Assert.Equal(0, pair.A.Association.Stats.Retransmissions);
        Assert.Equal(0, pair.B.Association.Stats.DuplicateTsnsReceived);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Ordered_1000MixedSizes_LossReorderDuplication_IntactAndInOrder(int seed)
    {
        var pair = SendMixed(seed, Lossy, 1000, SendOptions.Reliable, out var sent);
        AssertInOrderPerStream(pair, sent);
        var s = pair.A.Association.Stats;
        pair.Require(s.Retransmissions > 0 && s.GapBlocksReceived > 0 && s.FastRetransmits > 0, "loss recovery exercised");
        pair.Require(pair.B.Association.Stats.DuplicateTsnsReceived > 0, "duplicates seen");
    }

    [Fact]
    public void Ordered_BurstyLoss_GilbertElliott_Delivers()
    {
        var bursty = new SimulatedLinkOptions
        {
            DelayNs = 30 * RtcTime.NsPerMs, JitterNs = 2 * RtcTime.NsPerMs, GoodToBad = 0.02, BadToGood = 0.3, BurstLossRate = 0.8,
        };
        var pair = SendMixed(61, bursty, 300, SendOptions.Reliable, out var sent);
        AssertInOrderPerStream(pair, sent);
        pair.Require(pair.A.Association.Stats.T3Expirations + pair.A.Association.Stats.FastRetransmits > 0, "recovery exercised");
    }

    [Fact]
    public void Unordered_Lossy_AllDeliveredIntact_SomeOutOfOrder()
    {
        var pair = SendMixed(31, Lossy, 500, SendOptions.Unordered, out var sent);
        var got = pair.B.Messages;
        Assert.All(got, m => Assert.False(m.Ordered));
        var byIndex = got.Where(m => m.Data.Length >= 4).ToDictionary(m => BitConverter.ToInt32(m.Data), m => m.Data);
        for (var i = 0; i < sent.Count; i++)
        {
            if (sent[i].Length >= 4)
            {
                Assert.Equal(sent[i], byIndex[i]);
            }
        }

        var indices = got.Where(m => m.Data.Length >= 4).Select(m => BitConverter.ToInt32(m.Data)).ToList();
        pair.Require(indices.Zip(indices.Skip(1)).Any(p => p.First > p.Second), "some unordered message overtook another");
    }

    [Fact]
    public void LossyMinute_DeliversInOrderUnderLoss()
    {
        // Wall-time speed of this scenario is a bench/ figure (bench -- direct --parts sim), not a test assertion.
        var pair = new SctpPair(41, Lossy);
        var i = 0;
        var a = pair.A.Association;
        pair.Net.AfterStep = _ =>
        {
            while (a.BufferedAmount < 64 * 1024 && !a.IsTerminated)
            {
                a.Send(0, 53, SctpMessages.Payload(i++, 1000));
            }
        };
        pair.Net.RunFor(60 * RtcTime.NsPerSecond);
        pair.Require(pair.B.Messages.Count > 1000, "throughput");
        for (var k = 0; k < pair.B.Messages.Count; k++)
        {
            Assert.Equal(k, BitConverter.ToInt32(pair.B.Messages[k].Data));
        }
    }

    [Fact]
    public void BothDirections_Concurrently_Deliver()
    {
        var pair = new SctpPair(51, Lossy);
        for (var i = 0; i < 200; i++)
        {
            pair.A.Association.Send(1, 51, SctpMessages.Payload(i, 3000));
            pair.B.Association.Send(2, 51, SctpMessages.Payload(i, 500));
        }

        pair.Require(pair.RunUntil(() => pair.A.Messages.Count == 200 && pair.B.Messages.Count == 200, 300 * RtcTime.NsPerSecond), "both ways");
        Assert.Equal(Enumerable.Range(0, 200), pair.A.Messages.Select(m => BitConverter.ToInt32(m.Data)));
        Assert.Equal(Enumerable.Range(0, 200), pair.B.Messages.Select(m => BitConverter.ToInt32(m.Data)));
    }

    private static void AssertInOrderPerStream(SctpPair pair, List<byte[]> sent)
    {
        var got = pair.B.Messages;
        Assert.Equal(sent.Count, got.Count);
        for (ushort sid = 0; sid < 3; sid++)
        {
            var expected = sent.Where((_, i) => i % 3 == sid).ToList();
            var actual = got.Where(m => m.StreamId == sid).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                if (!expected[i].AsSpan().SequenceEqual(actual[i].Data))
                {
                    pair.Require(false, $"stream {sid} message {i} differs (len {expected[i].Length} vs {actual[i].Data.Length})");
                }

                Assert.True(actual[i].Ordered);
                Assert.Equal(53u, actual[i].Ppid);
            }
        }
    }
}

using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>
/// Many seeds of a mixed workload in both directions (reliable ordered, unordered, maxRetransmits=0, ordered with
/// lifetime) over jittery, lossy (random + bursty), reordering, duplicating links, then a graceful shutdown.
/// </summary>
public sealed class SctpAssociationSweepTests
{
    [Fact]
    public void MixedReliabilityBothWays_ManySeeds_ReliableDeliveredInOrder_ThenShutdown()
    {
        var link = new SimulatedLinkOptions { DelayNs = 20 * RtcTime.NsPerMs, JitterNs = 10 * RtcTime.NsPerMs, LossRate = 0.08, ReorderRate = 0.1, DuplicateRate = 0.05, GoodToBad = 0.01, BadToGood = 0.5 };
        for (var seed = 100; seed < 112; seed++)
        {
            var pair = new SctpPair(seed, link);
            var sizes = SctpMessages.MixedSizes(150, new Random(seed));
            var n = 0;
            for (var i = 0; i < 150; i++)
            {
                var mode = i % 4;
                var o = mode switch { 0 => SendOptions.Reliable, 1 => SendOptions.Unordered, 2 => new SendOptions(false, 0), _ => new SendOptions(true, null, 200 * RtcTime.NsPerMs) };
                pair.A.Association.Send((ushort)mode, 53, SctpMessages.Payload(i, sizes[i]), o);
                pair.B.Association.Send((ushort)mode, 53, SctpMessages.Payload(i, 100), o);
                n++;
            }
            pair.Require(pair.RunUntil(() => pair.A.Association.BufferedAmount == 0 && pair.B.Association.BufferedAmount == 0, 900 * RtcTime.NsPerSecond), "drain");
            pair.Require(pair.B.Messages.Count(m => m.StreamId < 2) == 76 && pair.A.Messages.Count(m => m.StreamId < 2) == 76, "reliable count");
            foreach (var ep in new[] { pair.A, pair.B })
            {
                var ordered = ep.Messages.Where(m => m.StreamId == 3 && m.Data.Length >= 4).Select(m => BitConverter.ToInt32(m.Data)).ToList();
                pair.Require(ordered.SequenceEqual(ordered.Order()), "PR ordered in order");
                var rel = ep.Messages.Where(m => m.StreamId == 0 && m.Data.Length >= 4).Select(m => BitConverter.ToInt32(m.Data)).ToList();
                pair.Require(rel.SequenceEqual(rel.Order()), "ordered");
            }
            pair.A.Association.Shutdown();
            pair.Require(pair.RunUntil(() => pair.A.Closed is not null && pair.B.Closed is not null, 900 * RtcTime.NsPerSecond), "shutdown");
            pair.Require(pair.A.Closed!.Reason == SctpCloseReason.Shutdown && pair.B.Closed!.Reason == SctpCloseReason.Shutdown, "shutdown reason");
        }
    }
}

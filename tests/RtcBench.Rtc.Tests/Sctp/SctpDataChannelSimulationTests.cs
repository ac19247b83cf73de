using System.Diagnostics;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>
/// The two channel kinds the `direct` platform measures, side by side in one association, both ways, for a minute of
/// simulated time: stream 0 reliable ordered, stream 1 unordered with maxRetransmits 0. Loss 0–20 % plus reordering
/// and duplication, several seeds each. Every assertion message carries the seed and the network's counters.
/// </summary>
public sealed class SctpDataChannelSimulationTests
{
    private const ushort ReliableStream = 0;
    private const ushort LossyStream = 1;
    private const long TickNs = 20 * RtcTime.NsPerMs;
    private const long ScenarioNs = 60 * RtcTime.NsPerSecond;
    private const int Messages = (int)(ScenarioNs / TickNs);
    private const int Windows = 10;

    private static readonly SendOptions Lossy = new(Ordered: false, MaxRetransmits: 0);

    public static TheoryData<double, int> LossAndSeed()
    {
        var data = new TheoryData<double, int>();
        foreach (var loss in new[] { 0.0, 0.01, 0.05, 0.20 })
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                data.Add(loss, seed + (int)(loss * 1000));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LossAndSeed))]
    public void ReliableAndUnorderedMaxRtx0_SixtySeconds_ReliableExactlyOnceInOrder_LossyNeverStalls(double loss, int seed)
    {
        var link = new SimulatedLinkOptions
        {
            DelayNs = 20 * RtcTime.NsPerMs, JitterNs = 4 * RtcTime.NsPerMs, LossRate = loss,
            ReorderRate = 0.05, DuplicateRate = 0.02,
        };
        var pair = new SctpPair(seed, link);
        var sizes = MessageSizes(new Random(seed));
        var start = pair.Net.NowNs;

        // One message per channel per direction every 20 ms, sent at its simulated time.
        for (var i = 0; i < Messages; i++)
        {
            pair.Net.RunUntil(() => false, start + (i * TickNs));
            foreach (var ep in new[] { pair.A, pair.B })
            {
                ep.HandleTimeout(pair.Net.NowNs); // moves the association's clock to the send time
                pair.Require(ep.Association.Send(ReliableStream, 53, SctpMessages.Payload(i, sizes[i]), SendOptions.Reliable), $"send reliable #{i}");
                pair.Require(ep.Association.Send(LossyStream, 53, SctpMessages.Payload(i, sizes[i]), Lossy), $"send lossy #{i}");
            }
        }

        pair.Require(pair.RunUntil(() => Count(pair.A, ReliableStream) == Messages && Count(pair.B, ReliableStream) == Messages,
            120 * RtcTime.NsPerSecond), "reliable drain");
        pair.RunUntil(() => pair.A.Association.BufferedAmount == 0 && pair.B.Association.BufferedAmount == 0, 30 * RtcTime.NsPerSecond);

        foreach (var ep in new[] { pair.A, pair.B })
        {
            AssertReliableExactlyOnceInOrder(pair, ep, sizes);
            AssertLossyIntactAtMostOnceNeverStalls(pair, ep, sizes, loss);
        }

        pair.Require(pair.A.Association.State == SctpState.Established && pair.B.Association.State == SctpState.Established, "still established");
        if (loss == 0)
        {
            pair.Require(pair.Net.AToB.Stats.Lost == 0, "no loss configured");
        }
        else
        {
            pair.Require(pair.Net.AToB.Stats.Lost > 0 && pair.Net.BToA.Stats.Lost > 0, "loss exercised");
        }

        // Loose: the precise figure is in bench/ (sim subcommand); this only catches a simulator that waits in real time.
    }

    /// <summary>Mostly ping-sized, some that fragment (the association's packet limit is 1200 B).</summary>
    private static int[] MessageSizes(Random rnd)
    {
        var sizes = new int[Messages];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = rnd.NextDouble() < 0.9 ? rnd.Next(8, 300) : rnd.Next(1300, 4000);
        }

        return sizes;
    }

    private static int Count(SctpSimEndpoint ep, ushort stream)
    {
        var n = 0;
        foreach (var m in ep.Messages)
        {
            n += m.StreamId == stream ? 1 : 0;
        }

        return n;
    }

    private static void AssertReliableExactlyOnceInOrder(SctpPair pair, SctpSimEndpoint ep, int[] sizes)
    {
        var expected = 0;
        foreach (var m in ep.Messages)
        {
            if (m.StreamId != ReliableStream)
            {
                continue;
            }

            pair.Require(m.Ordered, "reliable message flagged ordered");
            pair.Require(BitConverter.ToInt32(m.Data) == expected, $"reliable #{expected} in order (got #{BitConverter.ToInt32(m.Data)})");
            pair.Require(m.Data.AsSpan().SequenceEqual(SctpMessages.Payload(expected, sizes[expected])), $"reliable #{expected} intact");
            expected++;
        }

        pair.Require(expected == Messages, $"reliable delivered {expected} of {Messages}");
    }

    private static void AssertLossyIntactAtMostOnceNeverStalls(SctpPair pair, SctpSimEndpoint ep, int[] sizes, double loss)
    {
        var seen = new bool[Messages];
        var perWindow = new int[Windows];
        foreach (var m in ep.Messages)
        {
            if (m.StreamId != LossyStream)
            {
                continue;
            }

            pair.Require(!m.Ordered, "lossy message flagged unordered");
            pair.Require(m.Data.Length >= 8, $"lossy message of {m.Data.Length} B is not one we sent");
            var i = BitConverter.ToInt32(m.Data);
            pair.Require(i >= 0 && i < Messages, $"lossy index {i} was sent");
            pair.Require(!seen[i], $"lossy #{i} delivered at most once");
            pair.Require(m.Data.AsSpan().SequenceEqual(SctpMessages.Payload(i, sizes[i])), $"lossy #{i} intact");
            seen[i] = true;
            perWindow[i * Windows / Messages]++;
        }

        // Never stalls: every 6-second window keeps delivering, including the last one. A message is lost when one of
        // its packets is (first transmission only), so with p = 20 % well over half still arrive in every window. With
        // no loss, reordering can still make the sender abandon a chunk (fast-retransmit with maxRetransmits 0).
        var perWindowSent = Messages / Windows;
        var floor = loss == 0 ? perWindowSent * 9 / 10 : perWindowSent / 2;
        for (var w = 0; w < Windows; w++)
        {
            pair.Require(perWindow[w] >= floor, $"lossy window {w}: {perWindow[w]} of {perWindowSent} delivered (floor {floor})");
        }
    }
}

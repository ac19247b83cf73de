using RtcBench.Core.Measurement;

namespace RtcBench.Core.Statistics;

/// <summary>
/// Computes a run's <see cref="RunStatistics"/> from its ping records (DESIGN §4). Definitions:
/// <list type="bullet">
/// <item>Sent = ok + lost + late; warm-up, not-sent and abandoned pings are counted apart and enter no other figure.</item>
/// <item>RTT = t4 − t1 and net RTT = (t4 − t1) − (t3 − t2) of ok pings, in µs (ns / 1000): min, max, mean,
/// (net RTT and the clock only over pings an echo answered with its timestamps: none for a reflector's run, whose
/// net RTT and clock are null),
/// sample standard deviation (n − 1; 0 for n = 1), and p50/p90/p95/p99/p99.9 by <see cref="Percentile.Linear"/>.</item>
/// <item>Jitter over consecutive ok pings in seq order (non-ok pings skipped), D = RTT_j − RTT_i:
/// RFC 3550 J += (|D| − J) / 16 from J = 0, and the mean of |D|; null with fewer than two ok pings.</item>
/// <item>95% CIs of the RTT p50 and p95: <see cref="OrderStatisticInterval"/> (null below n = 6 and n = 59).</item>
/// <item>Clock: <see cref="ClockEstimator"/>.</item>
/// <item>Send delay (actual − scheduled) over every ping that was sent, warm-ups, late and lost included, abandoned
/// excluded: mean, p99 (linear), max, and the number later than 1 ms.</item>
/// </list>
/// </summary>
public static class RunStatisticsCalculator
{
    /// <summary>A send more than this late counts in <see cref="SendDelaySummary.LateSends"/>: 1 ms.</summary>
    public const long LateSendThresholdNs = 1_000_000;

    /// <param name="records">The run's records (any order; jitter uses seq order).</param>
    /// <param name="runnerWallAnchorUs">The runner clock's wall anchor (unix µs − monotonic µs).</param>
    public static RunStatistics Compute(ReadOnlySpan<PingRecord> records, double runnerWallAnchorUs)
    {
        int ok = 0, lost = 0, late = 0, warmup = 0, notSent = 0, abandoned = 0, sentAny = 0;
        foreach (ref readonly var r in records)
        {
            switch (r.Status)
            {
                case PingStatus.Ok: ok++; break;
                case PingStatus.Lost: lost++; break;
                case PingStatus.Late: late++; break;
                case PingStatus.Warmup: warmup++; break;
                case PingStatus.NotSent: notSent++; break;
                case PingStatus.Abandoned: abandoned++; break;
                default: break;
            }
            if (r.SentNs != 0 && r.Status != PingStatus.Abandoned)
            {
                sentAny++;
            }
        }
        int sent = ok + lost + late;

        var okRecords = new PingRecord[ok];
        int k = 0;
        foreach (ref readonly var r in records)
        {
            if (r.Status == PingStatus.Ok)
            {
                okRecords[k++] = r;
            }
        }
        SortBySeq(okRecords);

        var rtt = new double[ok];
        int timed = 0;
        for (int i = 0; i < ok; i++)
        {
            rtt[i] = (okRecords[i].ReceivedNs - okRecords[i].SentNs) / 1000.0;
            if (!okRecords[i].Reflected)
            {
                timed++;
            }
        }
        var netRtt = new double[timed];
        for (int i = 0, j = 0; i < ok; i++)
        {
            if (okRecords[i].NetRttNs is { } net)
            {
                netRtt[j++] = net / 1000.0;
            }
        }
        (double? rfc3550, double? meanAbsDelta) = Jitter(rtt);
        Array.Sort(rtt);
        Array.Sort(netRtt);

        return new RunStatistics
        {
            Sent = sent,
            Ok = ok,
            Lost = lost,
            Late = late,
            Warmup = warmup,
            NotSent = notSent,
            Abandoned = abandoned,
            LossRate = sent == 0 ? 0 : (double)lost / sent,
            LateRate = sent == 0 ? 0 : (double)late / sent,
            Rtt = ok == 0 ? null : LatencySummaries.FromSorted(rtt),
            NetRtt = timed == 0 ? null : LatencySummaries.FromSorted(netRtt),
            JitterRfc3550Us = rfc3550,
            MeanAbsDeltaRttUs = meanAbsDelta,
            RttP50Ci95 = QuantileInterval(rtt, 0.50),
            RttP95Ci95 = QuantileInterval(rtt, 0.95),
            Clock = ClockEstimator.Estimate(okRecords, runnerWallAnchorUs),
            SendDelay = SendDelay(records, sentAny),
        };
    }

    /// <summary>RFC 3550 interarrival jitter and mean |ΔRTT| over RTTs in send order; nulls for fewer than two.</summary>
    internal static (double? Rfc3550, double? MeanAbsDelta) Jitter(ReadOnlySpan<double> rttInSendOrder)
    {
        if (rttInSendOrder.Length < 2)
        {
            return (null, null);
        }
        double j = 0;
        double sumAbs = 0;
        for (int i = 1; i < rttInSendOrder.Length; i++)
        {
            double d = Math.Abs(rttInSendOrder[i] - rttInSendOrder[i - 1]);
            j += (d - j) / 16;
            sumAbs += d;
        }
        return (j, sumAbs / (rttInSendOrder.Length - 1));
    }

    /// <summary>A 95% order-statistic interval of the q-quantile of <paramref name="sorted"/>, or null.</summary>
    internal static ConfidenceInterval? QuantileInterval(ReadOnlySpan<double> sorted, double q)
    {
        if (!OrderStatisticInterval.TryGetRanks(sorted.Length, q, out int lower, out int upper, out bool exact))
        {
            return null;
        }
        return new ConfidenceInterval
        {
            LowUs = sorted[lower - 1],
            HighUs = sorted[upper - 1],
            Level = OrderStatisticInterval.Level,
            Method = exact ? OrderStatisticInterval.ExactMethod : OrderStatisticInterval.NormalMethod,
        };
    }

    private static SendDelaySummary? SendDelay(ReadOnlySpan<PingRecord> records, int sentAny)
    {
        if (sentAny == 0)
        {
            return null;
        }
        var delays = new double[sentAny];
        int k = 0;
        int lateSends = 0;
        double sum = 0;
        foreach (ref readonly var r in records)
        {
            if (r.SentNs == 0 || r.Status == PingStatus.Abandoned)
            {
                continue;
            }
            long delayNs = r.SendDelayNs;
            if (delayNs > LateSendThresholdNs)
            {
                lateSends++;
            }
            delays[k] = delayNs / 1000.0;
            sum += delays[k];
            k++;
        }
        Array.Sort(delays);
        return new SendDelaySummary
        {
            MeanUs = sum / sentAny,
            P99Us = Percentile.Linear(delays, 0.99),
            MaxUs = delays[^1],
            LateSends = lateSends,
        };
    }

    private static void SortBySeq(PingRecord[] records)
    {
        for (int i = 1; i < records.Length; i++)
        {
            if (records[i].Seq < records[i - 1].Seq)
            {
                Array.Sort(records, static (a, b) => a.Seq.CompareTo(b.Seq));
                return;
            }
        }
    }
}

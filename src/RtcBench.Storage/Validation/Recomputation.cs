using RtcBench.Core.Histograms;
using RtcBench.Core.Measurement;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Validation;

/// <summary>
/// Recomputes a run's statistics and histogram from its pings with the runner's own code
/// (<see cref="RunStatisticsCalculator.Compute"/>, <see cref="LogHistogram"/>), so "agrees" means "is what the runner
/// would have written for these pings".
/// <para>
/// The calculator takes ping records on the runner's monotonic clock (ns). A document carries durations (µs) instead,
/// which is all the statistics need: each record is rebuilt with t1 = base + send delay, t4 = t1 + RTT and an echo
/// hold time t3 − t2 = RTT − net RTT, in whole nanoseconds. The runner writes every duration as ns / 1000, so the
/// round trip gives back its exact values and its documents agree to the last bit. The clock estimate needs the echo's
/// own timestamps, which a document does not carry: only its error bound (RTT_min / 2) and reference ping are checked.
/// </para>
/// </summary>
public static class Recomputation
{
    /// <summary>A monotonic origin above any send delay, so a sent ping's t1 is never 0 ("not sent").</summary>
    private const long BaseNs = 1_000_000_000_000_000;

    /// <summary>The statistics and histogram the runner computes for these pings (which must have passed validation).</summary>
    public static (RunStatistics Stats, LogHistogram Histogram) Recompute(IReadOnlyList<PingResult> pings)
    {
        ArgumentNullException.ThrowIfNull(pings);
        var records = new PingRecord[pings.Count];
        var histogram = new LogHistogram();
        for (int i = 0; i < pings.Count; i++)
        {
            var p = pings[i];
            if (!PingStatusNames.TryParse(p.Status, out var status))
            {
                throw new ArgumentException($"pings[{i}] has the unknown status '{p.Status}'.", nameof(pings));
            }
            ref PingRecord r = ref records[i];
            r.Seq = p.Seq;
            r.Status = status;
            r.IsWarmup = status == PingStatus.Warmup;
            r.ScheduledNs = BaseNs;
            if (p.SentAt is not null && p.SendDelayUs is { } delay)
            {
                r.SentNs = BaseNs + Nanoseconds(delay);
            }
            if (p.RttUs is { } rtt && r.SentNs != 0)
            {
                long rttNs = Nanoseconds(rtt);
                r.ReceivedNs = r.SentNs + rttNs;
                r.EchoRxNs = 1;
                r.EchoTxNs = 1 + rttNs - Nanoseconds(p.NetRttUs ?? rtt);
                r.Reflected = p.NetRttUs is null; // only a reflector's answered pings have none (PingRules)
                if (status == PingStatus.Ok)
                {
                    histogram.Record(rtt);
                }
            }
        }
        return (RunStatisticsCalculator.Compute(records, runnerWallAnchorUs: 0), histogram);
    }

    /// <summary>Null when the document's statistics and histogram agree with its pings; else the first field that does not.</summary>
    internal static string? Check(RunResult run, LogHistogram? postedHistogram)
    {
        var (stats, histogram) = Recompute(run.Pings);
        return StatisticsAgreement.Check(run.Stats, stats, run.Pings) ?? HistogramRules.Agrees(postedHistogram, histogram);
    }

    private static long Nanoseconds(double us) => (long)Math.Round(us * 1000, MidpointRounding.AwayFromZero);
}

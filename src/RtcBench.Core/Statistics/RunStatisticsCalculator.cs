using RtcBench.Core.Measurement;

namespace RtcBench.Core.Statistics;

/// <summary>PLACEHOLDER: counts only; the full DESIGN §4 statistics replace it.</summary>
public static class RunStatisticsCalculator
{
    public static RunStatistics Compute(ReadOnlySpan<PingRecord> records, double runnerWallAnchorUs)
    {
        _ = runnerWallAnchorUs;
        int sent = 0, ok = 0, lost = 0, late = 0, warmup = 0, notSent = 0;
        foreach (ref readonly var r in records)
        {
            switch (r.Status)
            {
                case PingStatus.Ok: ok++; sent++; break;
                case PingStatus.Lost: lost++; sent++; break;
                case PingStatus.Late: late++; sent++; break;
                case PingStatus.Warmup: warmup++; break;
                case PingStatus.NotSent: notSent++; break;
                default: break;
            }
        }
        return new RunStatistics
        {
            Sent = sent, Ok = ok, Lost = lost, Late = late, Warmup = warmup, NotSent = notSent,
            LossRate = sent == 0 ? 0 : (double)lost / sent,
            LateRate = sent == 0 ? 0 : (double)late / sent,
        };
    }
}

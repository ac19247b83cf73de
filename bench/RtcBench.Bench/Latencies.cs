using RtcBench.Core.Statistics;

namespace RtcBench.Bench;

/// <summary>p50, p95 and the slowest of a set of timings, in milliseconds.</summary>
internal readonly record struct Latencies(double P50, double P95, double Max)
{
    /// <summary>Sorts <paramref name="milliseconds"/> in place and summarises it (linear-interpolated percentiles).</summary>
    public static Latencies Of(double[] milliseconds)
    {
        Array.Sort(milliseconds);
        return new Latencies(Percentile.Linear(milliseconds, 0.5), Percentile.Linear(milliseconds, 0.95), milliseconds[^1]);
    }
}

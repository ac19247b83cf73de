using RtcBench.Core.Results;

namespace RtcBench.Cli.Thresholds;

/// <summary>What a threshold checks: an RTT figure of the run's ok pings, its jitter, or its loss or late rate.</summary>
internal enum ThresholdMetric
{
    Min,
    Mean,
    P50,
    P90,
    P95,
    P99,
    P999,
    Max,
    Jitter,
    Loss,
    Late,
}

internal static class ThresholdMetrics
{
    /// <summary>The names a threshold may use, in the order help lists them.</summary>
    public static IReadOnlyList<(string Name, ThresholdMetric Metric)> Names { get; } =
    [
        ("min", ThresholdMetric.Min), ("mean", ThresholdMetric.Mean), ("p50", ThresholdMetric.P50),
        ("p90", ThresholdMetric.P90), ("p95", ThresholdMetric.P95), ("p99", ThresholdMetric.P99),
        ("p99.9", ThresholdMetric.P999), ("max", ThresholdMetric.Max), ("jitter", ThresholdMetric.Jitter),
        ("loss", ThresholdMetric.Loss), ("late", ThresholdMetric.Late),
    ];

    public static string NameOf(ThresholdMetric metric) => Names.First(n => n.Metric == metric).Name;

    /// <summary>Loss and late are rates (written with %); every other metric is a latency (written with a unit).</summary>
    public static bool IsRate(ThresholdMetric metric) => metric is ThresholdMetric.Loss or ThresholdMetric.Late;

    /// <summary>
    /// The run's value of <paramref name="metric"/>: µs for latencies, a fraction for rates. Null when the run has
    /// nothing to judge (no ok ping for a latency; no measured ping for a rate).
    /// </summary>
    public static double? ValueOf(ThresholdMetric metric, RunResult run)
    {
        var rtt = run.Stats.Rtt;
        return metric switch
        {
            ThresholdMetric.Min => rtt?.MinUs,
            ThresholdMetric.Mean => rtt?.MeanUs,
            ThresholdMetric.P50 => rtt?.P50Us,
            ThresholdMetric.P90 => rtt?.P90Us,
            ThresholdMetric.P95 => rtt?.P95Us,
            ThresholdMetric.P99 => rtt?.P99Us,
            ThresholdMetric.P999 => rtt?.P999Us,
            ThresholdMetric.Max => rtt?.MaxUs,
            ThresholdMetric.Jitter => run.Stats.JitterRfc3550Us,
            ThresholdMetric.Loss => run.Stats.Sent > 0 ? run.Stats.LossRate : null,
            _ => run.Stats.Sent > 0 ? run.Stats.LateRate : null,
        };
    }
}

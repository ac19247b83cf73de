namespace RtcBench.Server.Contracts;

/// <summary>
/// GET /api/results/distribution: per platform × location × channel, the merged RTT histogram of the window's runs
/// (ok pings), as its non-empty buckets in ascending order. Latencies in µs.
/// </summary>
public sealed record DistributionResponse
{
    /// <summary>How the histograms were merged and which tables answered (rollups for whole weeks, days and hours, runs for the rest).</summary>
    public required string MethodNote { get; init; }

    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset Until { get; init; }

    /// <summary>True when <c>across_locations=true</c> pooled every location's runs into one group per platform × channel.</summary>
    public bool AcrossLocations { get; init; }

    /// <summary>Each bucket's upper bound is within this relative error of any value in it.</summary>
    public double RelativeAccuracy { get; init; }

    public required IReadOnlyList<DistributionGroup> Groups { get; init; }
}

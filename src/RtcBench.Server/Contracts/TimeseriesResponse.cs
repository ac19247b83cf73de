namespace RtcBench.Server.Contracts;

/// <summary>GET /api/results/timeseries: one metric per bucket, one series per platform × location × channel.</summary>
public sealed record TimeseriesResponse
{
    /// <summary>mean, p50, p95, p99, jitter or loss.</summary>
    public required string Metric { get; init; }

    /// <summary>us for latencies and jitter, ratio for loss.</summary>
    public required string Unit { get; init; }

    public required string Method { get; init; }

    public required string MethodNote { get; init; }

    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset Until { get; init; }

    /// <summary>True when <c>across_locations=true</c> pooled every location's runs into one group per platform × channel.</summary>
    public bool AcrossLocations { get; init; }

    public long BucketSeconds { get; init; }

    public required IReadOnlyList<Series> Series { get; init; }
}

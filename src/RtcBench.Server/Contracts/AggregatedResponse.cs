namespace RtcBench.Server.Contracts;

/// <summary>GET /api/results/aggregated: one row per platform × location × channel × bucket. Latencies in µs.</summary>
public sealed record AggregatedResponse
{
    /// <summary>merged-histogram or pooled-pings: how the figures were combined across runs.</summary>
    public required string Method { get; init; }

    public required string MethodNote { get; init; }

    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset Until { get; init; }

    /// <summary>True when <c>across_locations=true</c> pooled every location's runs into one group per platform × channel.</summary>
    public bool AcrossLocations { get; init; }

    /// <summary>Bucket size; absent when the whole window is one bucket.</summary>
    public long? BucketSeconds { get; init; }

    public required IReadOnlyList<AggregateGroup> Groups { get; init; }
}

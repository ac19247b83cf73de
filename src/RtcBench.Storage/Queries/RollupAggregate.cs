namespace RtcBench.Storage.Queries;

/// <summary>
/// One rollup row: the runs of one platform × location × channel that started in [<see cref="BucketStart"/>,
/// BucketStart + <see cref="GrainSeconds"/>), combined as aggregation over runs combines them (DESIGN §4).
/// </summary>
public sealed record RollupAggregate
{
    public required string Platform { get; init; }

    public string? Location { get; init; }

    public required string Channel { get; init; }

    /// <summary>3600 (an hour) or 86400 (a UTC day).</summary>
    public required int GrainSeconds { get; init; }

    public required DateTimeOffset BucketStart { get; init; }

    public required RollupSums Sums { get; init; }
}

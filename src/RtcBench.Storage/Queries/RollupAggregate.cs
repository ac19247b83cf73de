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

    /// <summary>3600 (an hour), 86400 (a UTC day) or 604800 (a week from Thursday 00:00 UTC).</summary>
    public required int GrainSeconds { get; init; }

    public required DateTimeOffset BucketStart { get; init; }

    public required RollupSums Sums { get; init; }

    /// <summary>
    /// A group of <see cref="IResultStore.QueryRollupGroupsAsync"/> across locations: the distinct locations merged
    /// (null: no location); <see cref="Location"/> is then null. Null for a single row or a per-location group.
    /// </summary>
    public IReadOnlyList<string?>? Locations { get; init; }
}

namespace RtcBench.Storage.Queries;

/// <summary>
/// How <see cref="IResultStore.QueryRollupGroupsAsync"/> merges rollup rows before returning them: per platform ×
/// location × channel (or, across locations, per platform × channel) × result bucket.
/// </summary>
public sealed record RollupGrouping
{
    /// <summary>
    /// The result buckets' size in µs, aligned to the unix epoch (a whole multiple of the grain, so every row lies in
    /// one bucket); null: the whole window is one bucket.
    /// </summary>
    public long? BucketSizeUs { get; init; }

    /// <summary>Pools every location (the groups' <see cref="RollupAggregate.Locations"/> list them).</summary>
    public bool AcrossLocations { get; init; }

    /// <summary>
    /// Across locations, merge the rows of every location even when no location is filtered (the fleet-scale bench's
    /// baseline, and tests). Otherwise such a query reads the rows pre-merged across locations (migration 0009), which
    /// hold the same sums and histograms.
    /// </summary>
    public bool PerLocationRows { get; init; }

    /// <summary>The start (unix µs) of the result bucket holding <paramref name="us"/>; 0 without buckets.</summary>
    public long BucketOf(long us) => BucketSizeUs is { } size ? us - (((us % size) + size) % size) : 0;
}

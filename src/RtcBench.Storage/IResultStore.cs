using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage;

/// <summary>
/// A place where run results are kept: SQLite by default, PostgreSQL for a shared deployment (DESIGN §5). Every
/// implementation passes the same contract test suite: a saved run reads back equal, saves are idempotent by run
/// id, and a run with its pings is written in one transaction.
/// </summary>
public interface IResultStore : IAsyncDisposable
{
    /// <summary>
    /// Creates or migrates the schema and says what it found and did (the first call's report; later calls return
    /// it again). Idempotent and safe to call from two processes at once; other operations call it on first use when
    /// the caller has not. Throws <see cref="InvalidOperationException"/> when the database was written by a newer
    /// version of the tool, and <see cref="StoreNotFoundException"/> when the store was opened with
    /// <see cref="StoreAccess.ReadExisting"/> and does not exist (nothing is created then).
    /// </summary>
    Task<SchemaReport> InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Saves a run and all its pings in one transaction. A second save of the same run id changes nothing and
    /// returns <see cref="SaveOutcome.AlreadyExists"/>. Throws <see cref="ArgumentException"/> for a run that
    /// cannot be stored faithfully (bad run id, pings out of seq order, ping times finer than a microsecond,
    /// histogram data that is not canonical base64). Run start and end times are kept exactly; ping times at
    /// microsecond resolution (which <c>RunResultBuilder</c> guarantees).
    /// </summary>
    Task<SaveOutcome> SaveRunAsync(RunResult run, CancellationToken cancellationToken);

    /// <summary>Reads a run back; null when absent. With <paramref name="includePings"/> false, Pings is empty.</summary>
    Task<RunResult?> GetRunAsync(string runId, bool includePings, CancellationToken cancellationToken);

    /// <summary>
    /// The ids of stored runs that start with <paramref name="prefix"/> (lower-case hex, at most 32 digits), in id
    /// order, at most <paramref name="limit"/> (1..1000) of them: resolves a short id as git resolves a short hash.
    /// </summary>
    Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>Lists runs newest first (by start time, then run id) with the query's filters and paging.</summary>
    Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection and runs a trivial query: throws (e.g. <see cref="System.Data.Common.DbException"/>) when
    /// the store cannot be reached. For health checks.
    /// </summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// For every run matching <paramref name="filter"/>, oldest first (by start time, then run id): key, counts,
    /// RTT mean, mean |ΔRTT| and histogram bytes. Reads the runs table only (indexed on start time).
    /// </summary>
    Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(AggregateFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// For every run matching <paramref name="filter"/> (same order as <see cref="QueryRunAggregatesAsync"/>), its
    /// ok pings in seq order: scheduled time and RTT. Runs without an ok ping are included with empty arrays.
    /// </summary>
    Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(AggregateFilter filter, CancellationToken cancellationToken);

    /// <summary>Every (location, platform) pair with runs, with run count and first/last start; ordered by location (nulls last), then platform.</summary>
    Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The newest run (by start time, then run id) of each (platform, location) pair, optionally only runs of
    /// <paramref name="channel"/>; ordered by platform, then location (nulls last).
    /// </summary>
    Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(string? channel, CancellationToken cancellationToken);

    /// <summary>
    /// The rollup rows (maintained by every save) of <paramref name="grainSeconds"/> (3600: hours, 21600: six hours from 00, 06, 12, 18 UTC, 86400: UTC days, 604800: weeks from Thursday 00:00 UTC, 2419200: 28 days from a Thursday 00:00 UTC)
    /// whose bucket starts in [filter.Since, filter.Until) and match the filter's platform, location and channel. A
    /// row combines exactly the runs that started in its bucket, as <see cref="RollupSums.AddRun"/> combines runs.
    /// </summary>
    Task<IReadOnlyList<RollupAggregate>> QueryRollupsAsync(AggregateFilter filter, int grainSeconds, CancellationToken cancellationToken);

    /// <summary>
    /// The rows <see cref="QueryRollupsAsync"/> would return, merged per <paramref name="grouping"/> group (as <see
    /// cref="RollupSums.Add"/> merges them) before they leave the database where it can (PostgreSQL: one row per
    /// group, the histograms concatenated), so a year of a fleet is a few hundred rows, not 10⁵. A group's
    /// <see cref="RollupAggregate.BucketStart"/> is its result bucket's start (without buckets: its first row's).
    /// Across locations without a location filter (and without <see cref="RollupGrouping.PerLocationRows"/>) the
    /// rows read are those pre-merged across locations (migration 0009): the same sums, one row per platform ×
    /// channel × bucket.
    /// </summary>
    Task<IReadOnlyList<RollupAggregate>> QueryRollupGroupsAsync(
        AggregateFilter filter, int grainSeconds, RollupGrouping grouping, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of every piece (each its grain over its window; <paramref name="filter"/>'s platform, location and
    /// channel, not its window) merged per <paramref name="grouping"/> group in one query: a year of a fleet read from
    /// four-week, weekly, daily, six-hour and hourly rows comes back as one row per group. Every piece's grain must
    /// divide the bucket size. A group's <see cref="RollupAggregate.GrainSeconds"/> is the finest grain of the pieces.
    /// </summary>
    Task<IReadOnlyList<RollupAggregate>> QueryRollupGroupsAsync(
        AggregateFilter filter, IReadOnlyList<RollupPiece> pieces, RollupGrouping grouping, CancellationToken cancellationToken);

    /// <summary>Recomputes every rollup row from the runs, in one transaction (saves wait meanwhile).</summary>
    Task<RollupRebuildReport> RebuildRollupsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the raw pings of every run that started before <paramref name="startedBefore"/> and records the
    /// time (<paramref name="prunedAt"/>) in the run. The run row (statistics, histogram) and the rollups stay, so
    /// every merged-histogram figure is unchanged; pooled-pings figures and comparisons no longer see those pings.
    /// </summary>
    Task<PruneReport> PrunePingsAsync(DateTimeOffset startedBefore, DateTimeOffset prunedAt, CancellationToken cancellationToken);

    /// <summary>When the run's pings were pruned; null when they are kept (or no such run).</summary>
    Task<DateTimeOffset?> GetPingsPrunedAtAsync(string runId, CancellationToken cancellationToken);
}

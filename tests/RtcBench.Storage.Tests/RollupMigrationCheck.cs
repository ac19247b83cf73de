using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>
/// Migrations 0003, 0005, 0008 and 0009 on a store that already has runs: a store at schema version 2 (its rollups table
/// dropped and the version forgotten) or 4 (its weekly rows deleted) is migrated by the next store that opens it,
/// which fills the rollups, weekly rows included, from the runs; a store at version 7 (its six-hour and four-week
/// rows deleted) gets them from its hourly and weekly rows; a store at version 8 (no rows across locations) gets
/// those from the rows of every location (0009). Every migration ends with the rows across locations the saves had
/// kept. The runs span 60 days: three four-week periods.
/// </summary>
internal static class RollupMigrationCheck
{
    public static async Task<IReadOnlyList<RollupAggregate>> SaveRunsAsync(IResultStore store, CancellationToken ct)
    {
        foreach (var run in ResultStoreContractTests.RandomRuns(seed: 2020, count: 40, spanDays: 60))
        {
            await store.SaveRunAsync(run, ct);
        }
        return await ReadAsync(store, ct);
    }

    /// <summary>
    /// Every rollup row: the rows of each location, then the rows pre-merged across locations (one group per row: the
    /// grain's own buckets across locations; <see cref="RollupAggregate.Location"/> null, <see
    /// cref="RollupAggregate.Locations"/> set).
    /// </summary>
    public static async Task<IReadOnlyList<RollupAggregate>> ReadAsync(IResultStore store, CancellationToken ct)
    {
        var all = new AggregateFilter { Since = DateTimeOffset.UnixEpoch, Until = DateTimeOffset.UnixEpoch.AddYears(100) };
        int[] grains = [3600, 86400, 604800, 21600, 2419200];
        var rows = new List<RollupAggregate>();
        foreach (int grain in grains)
        {
            rows.AddRange(await store.QueryRollupsAsync(all, grain, ct));
        }
        foreach (int grain in grains)
        {
            rows.AddRange(await store.QueryRollupGroupsAsync(all, grain, new RollupGrouping { BucketSizeUs = grain * 1_000_000L, AcrossLocations = true }, ct));
        }
        return rows;
    }

    /// <summary>SQL that turns a store at schema version 5 into one at schema version 4 (before weekly rollups).</summary>
    public const string BackToVersion4 = "DROP TABLE IF EXISTS rollups_all_locations; DELETE FROM rollups WHERE grain_s IN (604800, 21600, 2419200); DELETE FROM schema_migrations WHERE version >= 5;";

    /// <summary>SQL that turns a store at schema version 8 into one at schema version 7 (before six-hour and four-week rollups).</summary>
    public const string BackToVersion7 = "DROP TABLE rollups_all_locations; DELETE FROM rollups WHERE grain_s IN (21600, 2419200); DELETE FROM schema_migrations WHERE version >= 8;";

    /// <summary>SQL that turns a store at schema version 9 into one at schema version 8 (before the rows across locations).</summary>
    public const string BackToVersion8 = "DROP TABLE rollups_all_locations; DELETE FROM schema_migrations WHERE version >= 9;";

    public static Task AssertMigratedAsync(IResultStore reopened, IReadOnlyList<RollupAggregate> before, CancellationToken ct) =>
        AssertMigratedAsync(reopened, before, 2, ["0003_rollups.sql", "0004_ping_retention.sql", "0005_weekly_rollups.sql", "0006_month_partitions.sql", "0007_ping_writes.sql", "0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], ct);

    public static async Task AssertMigratedAsync(
        IResultStore reopened, IReadOnlyList<RollupAggregate> before, int fromVersion, string[] applied, CancellationToken ct)
    {
        var report = await reopened.InitializeAsync(ct);
        Assert.Equal((fromVersion, 9), (report.FromVersion, report.ToVersion));
        Assert.Equal(applied, report.Applied);
        var after = await ReadAsync(reopened, ct);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 86400 && r.Locations is null).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 604800 && r.Locations is null).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 21600 && r.Locations is null).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 2419200 && r.Locations is null).Sum(r => r.Sums.Runs));
        Assert.True(after.Count(r => r.GrainSeconds == 2419200 && r.Locations is null) > after.Where(r => r.Locations is null).Select(r => (r.Platform, r.Location, r.Channel)).Distinct().Count(), "some series span several four-week periods");
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 604800 && r.Locations is not null).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 3600 && r.Locations is not null).Sum(r => r.Sums.Runs));
        var byKey = after.ToDictionary(r => (r.GrainSeconds, r.Platform, r.Location, r.Locations is null, r.Channel, r.BucketStart));
        foreach (var row in before)
        {
            var stored = byKey[(row.GrainSeconds, row.Platform, row.Location, row.Locations is null, row.Channel, row.BucketStart)];
            Assert.Equal(row.Locations, stored.Locations);
            var got = stored.Sums;
            Assert.Equal(
                (row.Sums.Runs, row.Sums.Sent, row.Sums.Ok, row.Sums.Lost, row.Sums.Late, row.Sums.MeanCount, row.Sums.Pairs, row.Sums.Undecodable),
                (got.Runs, got.Sent, got.Ok, got.Lost, got.Late, got.MeanCount, got.Pairs, got.Undecodable));
            Assert.Equal(row.Sums.SerializeHistogram(), got.SerializeHistogram());
            Assert.Equal(row.Sums.MeanSum, got.MeanSum, Math.Abs(row.Sums.MeanSum) * 1e-12);
            Assert.Equal(row.Sums.JitterSum, got.JitterSum, Math.Abs(row.Sums.JitterSum) * 1e-12);
        }
    }
}

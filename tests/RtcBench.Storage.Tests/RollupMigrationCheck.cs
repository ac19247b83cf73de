using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>
/// Migrations 0003, 0005 and 0008 on a store that already has runs: a store at schema version 2 (its rollups table
/// dropped and the version forgotten) or 4 (its weekly rows deleted) is migrated by the next store that opens it,
/// which fills the rollups, weekly rows included, from the runs; a store at version 7 (its six-hour and four-week
/// rows deleted) gets them from its hourly and weekly rows. The runs span 60 days: three four-week periods.
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

    public static async Task<IReadOnlyList<RollupAggregate>> ReadAsync(IResultStore store, CancellationToken ct)
    {
        var all = new AggregateFilter { Since = DateTimeOffset.UnixEpoch, Until = DateTimeOffset.UnixEpoch.AddYears(100) };
        return
        [
            .. await store.QueryRollupsAsync(all, 3600, ct),
            .. await store.QueryRollupsAsync(all, 86400, ct),
            .. await store.QueryRollupsAsync(all, 604800, ct),
            .. await store.QueryRollupsAsync(all, 21600, ct),
            .. await store.QueryRollupsAsync(all, 2419200, ct),
        ];
    }

    /// <summary>SQL that turns a store at schema version 5 into one at schema version 4 (before weekly rollups).</summary>
    public const string BackToVersion4 = "DELETE FROM rollups WHERE grain_s IN (604800, 21600, 2419200); DELETE FROM schema_migrations WHERE version >= 5;";

    /// <summary>SQL that turns a store at schema version 8 into one at schema version 7 (before six-hour and four-week rollups).</summary>
    public const string BackToVersion7 = "DELETE FROM rollups WHERE grain_s IN (21600, 2419200); DELETE FROM schema_migrations WHERE version >= 8;";

    public static Task AssertMigratedAsync(IResultStore reopened, IReadOnlyList<RollupAggregate> before, CancellationToken ct) =>
        AssertMigratedAsync(reopened, before, 2, ["0003_rollups.sql", "0004_ping_retention.sql", "0005_weekly_rollups.sql", "0006_month_partitions.sql", "0007_ping_writes.sql", "0008_coarse_rollups.sql"], ct);

    public static async Task AssertMigratedAsync(
        IResultStore reopened, IReadOnlyList<RollupAggregate> before, int fromVersion, string[] applied, CancellationToken ct)
    {
        var report = await reopened.InitializeAsync(ct);
        Assert.Equal((fromVersion, 8), (report.FromVersion, report.ToVersion));
        Assert.Equal(applied, report.Applied);
        var after = await ReadAsync(reopened, ct);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 86400).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 604800).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 21600).Sum(r => r.Sums.Runs));
        Assert.Equal(40, after.Where(r => r.GrainSeconds == 2419200).Sum(r => r.Sums.Runs));
        Assert.True(after.Count(r => r.GrainSeconds == 2419200) > after.Select(r => (r.Platform, r.Location, r.Channel)).Distinct().Count(), "some series span several four-week periods");
        var byKey = after.ToDictionary(r => (r.GrainSeconds, r.Platform, r.Location, r.Channel, r.BucketStart));
        foreach (var row in before)
        {
            var got = byKey[(row.GrainSeconds, row.Platform, row.Location, row.Channel, row.BucketStart)].Sums;
            Assert.Equal(
                (row.Sums.Runs, row.Sums.Sent, row.Sums.Ok, row.Sums.Lost, row.Sums.Late, row.Sums.MeanCount, row.Sums.Pairs, row.Sums.Undecodable),
                (got.Runs, got.Sent, got.Ok, got.Lost, got.Late, got.MeanCount, got.Pairs, got.Undecodable));
            Assert.Equal(row.Sums.SerializeHistogram(), got.SerializeHistogram());
            Assert.Equal(row.Sums.MeanSum, got.MeanSum, Math.Abs(row.Sums.MeanSum) * 1e-12);
            Assert.Equal(row.Sums.JitterSum, got.JitterSum, Math.Abs(row.Sums.JitterSum) * 1e-12);
        }
    }
}

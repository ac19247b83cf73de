using RtcBench.Storage.Ado;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage.Tests;

public sealed class SqliteMigrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    private string DbPath => _directory.File("results.db");

    public void Dispose()
    {
        _timeout.Dispose();
        _directory.Dispose();
    }

    private static Migration Extra(int version) =>
        new(version, $"{version:D4}_extra.sql", $"CREATE TABLE extra_{version} (x INTEGER NOT NULL);");

    [Fact]
    public void Embedded_Migrations_AreNumberedFromOneWithoutGaps()
    {
        var all = SqliteDialect.Instance.Migrations;

        Assert.NotEmpty(all);
        Assert.Equal(Enumerable.Range(1, all.Count), all.Select(m => m.Version));
        Assert.Equal("0001_initial.sql", all[0].Name);
    }

    [Fact]
    public async Task Initialize_FreshDatabase_AppliesEveryMigration()
    {
        await using (var store = new SqliteResultStore(DbPath))
        {
            await store.InitializeAsync(Ct);
        }

        Assert.Equal(SqliteDialect.Instance.Migrations.Count, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM schema_migrations;", Ct));
        Assert.Equal(SqliteDialect.Instance.Migrations[^1].Version, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT MAX(version) FROM schema_migrations;", Ct));
        Assert.Equal(1, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'pings';", Ct));
    }

    [Fact]
    public async Task Initialize_ReopenedDatabase_AppliesNothing()
    {
        var clock = new FixedTimeProvider(TestRuns.BaseTime);
        await using (var store = new SqliteResultStore(DbPath, clock))
        {
            await store.InitializeAsync(Ct);
        }
        string appliedAt = await SqliteTestDatabase.TextAsync(DbPath, "SELECT applied_at FROM schema_migrations WHERE version = 1;", Ct);

        await using (var store = new SqliteResultStore(DbPath, new FixedTimeProvider(TestRuns.BaseTime.AddDays(1))))
        {
            await store.InitializeAsync(Ct);
        }

        Assert.Equal(SqliteDialect.Instance.Migrations.Count, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM schema_migrations;", Ct));
        Assert.Equal(appliedAt, await SqliteTestDatabase.TextAsync(DbPath, "SELECT applied_at FROM schema_migrations WHERE version = 1;", Ct));
        Assert.Equal("2026-11-21T12:00:00.0000000+00:00", appliedAt);
    }

    [Fact]
    public async Task Initialize_NewerCodeVersion_AppliesOnlyTheMissingMigration()
    {
        var clock = new FixedTimeProvider(TestRuns.BaseTime);
        var run = TestRuns.Create();
        await using (var store = new SqliteResultStore(DbPath, SqliteDialect.Instance.Migrations, clock))
        {
            await store.SaveRunAsync(run, Ct);
        }
        var newer = SqliteDialect.Instance.Migrations.Append(Extra(SqliteDialect.Instance.Migrations.Count + 1)).ToList();

        await using (var store = new SqliteResultStore(DbPath, newer, clock))
        {
            await store.InitializeAsync(Ct);
            RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
        }

        Assert.Equal(newer.Count, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM schema_migrations;", Ct));
        Assert.Equal(0, await SqliteTestDatabase.ScalarAsync(DbPath, $"SELECT COUNT(*) FROM extra_{newer.Count};", Ct));
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerVersion_ThrowsNamingBothVersions()
    {
        await using (var store = new SqliteResultStore(DbPath))
        {
            await store.InitializeAsync(Ct);
        }
        int known = SqliteDialect.Instance.Migrations[^1].Version;
        await SqliteTestDatabase.ExecuteAsync(
            DbPath, $"INSERT INTO schema_migrations (version, applied_at) VALUES ({known + 41}, 'later');", Ct);

        await using var newerDb = new SqliteResultStore(DbPath);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => newerDb.InitializeAsync(Ct));

        Assert.Contains($"schema version {known + 41}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {known}", error.Message, StringComparison.Ordinal);
        Assert.Contains(DbPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_FailingMigration_RollsBackEverything()
    {
        var broken = new List<Migration>(SqliteDialect.Instance.Migrations) { new(SqliteDialect.Instance.Migrations.Count + 1, "broken.sql", "CREATE TABLE ok_table (x INTEGER); SELECT * FROM no_such_table;") };

        await using (var store = new SqliteResultStore(DbPath, broken, TimeProvider.System))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => store.InitializeAsync(Ct));
        }

        Assert.Equal(0, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('runs', 'ok_table', 'schema_migrations');", Ct));
    }

    [Fact]
    public void Order_GapInVersions_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => Migrator.Order([("0001_a.sql", "SELECT 1;"), ("0003_c.sql", "SELECT 1;")]));

        Assert.Contains("0003_c.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_NameWithoutVersion_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Migrator.Order([("initial.sql", "SELECT 1;")]));
    }

    [Fact]
    public void Order_UnorderedNames_SortedByVersion()
    {
        var ordered = Migrator.Order([("0002_b.sql", "B"), ("0001_a.sql", "A")]);

        Assert.Equal(["A", "B"], ordered.Select(m => m.Sql));
    }

    [Fact]
    public async Task Initialize_Version2StoreWithRuns_AddsRollupsFilledFromTheRuns()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new SqliteResultStore(DbPath))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        await SqliteTestDatabase.ExecuteAsync(DbPath, "DROP TABLE rollups; DROP TABLE rollups_all_locations; ALTER TABLE runs DROP COLUMN pings_pruned_at; DELETE FROM schema_migrations WHERE version >= 3;", Ct);

        await using var reopened = new SqliteResultStore(DbPath);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, Ct);
    }

    [Fact]
    public async Task Initialize_Version4StoreWithRuns_RebuildsTheRollupsWithWeeklyRows()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new SqliteResultStore(DbPath))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        Assert.Contains(before, r => r.GrainSeconds == 604800);
        await SqliteTestDatabase.ExecuteAsync(DbPath, RollupMigrationCheck.BackToVersion4, Ct);

        await using var reopened = new SqliteResultStore(DbPath);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, 4, ["0005_weekly_rollups.sql", "0006_month_partitions.sql", "0007_ping_writes.sql", "0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], Ct);
    }

    [Fact]
    public async Task Initialize_Version7StoreWithRuns_FillsSixHourAndFourWeekRowsFromTheFinerRows()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new SqliteResultStore(DbPath))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        await SqliteTestDatabase.ExecuteAsync(DbPath, RollupMigrationCheck.BackToVersion7, Ct);
        Assert.Equal(0, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM rollups WHERE grain_s IN (21600, 2419200);", Ct));

        await using var reopened = new SqliteResultStore(DbPath);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, 7, ["0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], Ct);
    }

    [Fact]
    public async Task Initialize_Version8StoreWithRuns_FillsTheRowsAcrossLocationsFromTheRowsOfEveryLocation()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new SqliteResultStore(DbPath))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        Assert.Contains(before, r => r.Locations is not null);
        await SqliteTestDatabase.ExecuteAsync(DbPath, RollupMigrationCheck.BackToVersion8, Ct);
        Assert.Equal(0, await SqliteTestDatabase.ScalarAsync(DbPath, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rollups_all_locations';", Ct));

        await using var reopened = new SqliteResultStore(DbPath);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, 8, ["0009_all_locations_rollups.sql"], Ct);
    }
}

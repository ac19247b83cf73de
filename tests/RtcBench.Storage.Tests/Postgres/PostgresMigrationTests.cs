using Npgsql;
using RtcBench.Storage.Ado;
using RtcBench.Storage.Postgres;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>PostgreSQL migrations: fresh, re-open, newer code, newer database, failure, concurrent start-up.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private string _database = "";

    private CancellationToken Ct => _timeout.Token;

    private string ConnectionString => server.ConnectionString(_database);

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync(Ct);

    public Task DisposeAsync() => server.DropDatabaseAsync(_database, Ct);

    public void Dispose() => _timeout.Dispose();

    private Task<long> CountAsync(string sql) => server.ScalarAsync<long>(_database, sql, Ct);

    private static Migration Extra(int version) =>
        new(version, $"{version:D4}_extra.sql", $"CREATE TABLE extra_{version} (x integer NOT NULL);");

    [Fact]
    public void Embedded_Migrations_AreNumberedFromOneWithoutGaps()
    {
        var all = PostgresDialect.Instance.Migrations;

        Assert.NotEmpty(all);
        Assert.Equal(Enumerable.Range(1, all.Count), all.Select(m => m.Version));
        Assert.Equal("0001_initial.sql", all[0].Name);
    }

    [Fact]
    public async Task Initialize_FreshDatabase_AppliesEveryMigrationAndCreatesIndexes()
    {
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            await store.InitializeAsync(Ct);
        }

        Assert.Equal(PostgresDialect.Instance.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(PostgresDialect.Instance.Migrations[^1].Version, await server.ScalarAsync<int>(_database, "SELECT MAX(version) FROM schema_migrations;", Ct));
        Assert.Equal(
            "0001_initial.sql", await server.ScalarAsync<string>(_database, "SELECT name FROM schema_migrations WHERE version = 1;", Ct));
        string[] indexes =
        [
            "runs_pkey", "ix_runs_started_at", "ix_runs_platform_location_started_at", "ix_runs_location_started_at",
            "ix_runs_channel_started_at", "ix_runs_platform_channel_started_at", "pings_pkey",
            "run_ids_pkey",
        ];
        foreach (string index in indexes)
        {
            Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM pg_indexes WHERE indexname = '{index}';"));
        }
        // 0007: pings carry no per-row foreign-key check and no BRIN index; a row trigger on runs deletes a run's pings.
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'ix_pings_scheduled_at';"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'pings'::regclass AND contype = 'f';"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'runs'::regclass AND tgname = 'runs_delete_pings';"));
        Assert.Equal(
            "run_id, seq, run_started_at",
            await server.ScalarAsync<string>(
                _database,
                "SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM pg_index i "
                + "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indexrelid = 'pings_pkey'::regclass;",
                Ct));
    }

    [Fact]
    public async Task Initialize_ReopenedDatabase_AppliesNothing()
    {
        await using (var store = new PostgresResultStore(ConnectionString, new FixedTimeProvider(TestRuns.BaseTime)))
        {
            await store.InitializeAsync(Ct);
        }

        await using (var store = new PostgresResultStore(ConnectionString, new FixedTimeProvider(TestRuns.BaseTime.AddDays(1))))
        {
            await store.InitializeAsync(Ct);
        }

        Assert.Equal(PostgresDialect.Instance.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(
            TestRuns.BaseTime,
            await server.ScalarAsync<DateTime>(_database, "SELECT applied_at FROM schema_migrations WHERE version = 1;", Ct));
    }

    [Fact]
    public async Task Initialize_NewerCodeVersion_AppliesOnlyTheMissingMigration()
    {
        var run = TestRuns.Create();
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            await store.SaveRunAsync(run, Ct);
        }
        var newer = PostgresDialect.Instance.Migrations.Append(Extra(PostgresDialect.Instance.Migrations.Count + 1)).ToList();

        await using (var store = new PostgresResultStore(ConnectionString, newer, TimeProvider.System))
        {
            await store.InitializeAsync(Ct);
            RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
        }

        Assert.Equal(newer.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM extra_{newer.Count};"));
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerVersion_ThrowsNamingBothVersionsAndDatabase()
    {
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            await store.InitializeAsync(Ct);
        }
        int known = PostgresDialect.Instance.Migrations[^1].Version;
        await server.ExecuteAsync(
            _database, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({known + 41}, 'later.sql', now());", Ct);
        var withPassword = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = "hunter2-secret" };

        await using var older = new PostgresResultStore(withPassword.ConnectionString);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => older.InitializeAsync(Ct));

        Assert.Contains($"schema version {known + 41}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {known}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"/{_database}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        // Every other operation refuses too, and nothing was written.
        await Assert.ThrowsAsync<InvalidOperationException>(() => older.SaveRunAsync(TestRuns.Create(), Ct));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM runs;"));
    }

    [Fact]
    public async Task Initialize_FailingMigration_RollsBackEverything()
    {
        var broken = new List<Migration>(PostgresDialect.Instance.Migrations)
        {
            new(PostgresDialect.Instance.Migrations.Count + 1, "broken.sql", "CREATE TABLE ok_table (x integer); SELECT * FROM no_such_table;"),
        };

        await using (var store = new PostgresResultStore(ConnectionString, broken, TimeProvider.System))
        {
            await Assert.ThrowsAsync<PostgresException>(() => store.InitializeAsync(Ct));
        }

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pg_tables WHERE tablename IN ('runs', 'ok_table', 'schema_migrations');"));
    }

    [Fact]
    public async Task Initialize_ManyStoresConcurrently_EachMigrationAppliedOnce()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresResultStore(ConnectionString)).ToArray();
        try
        {
            // Start together: each store opens its own connection and waits on the advisory lock.
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct))));

            Assert.Equal(PostgresDialect.Instance.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations;"));
            var run = TestRuns.Create();
            Assert.Equal(SaveOutcome.Inserted, await stores[0].SaveRunAsync(run, Ct));
            Assert.Equal(SaveOutcome.AlreadyExists, await stores[5].SaveRunAsync(run, Ct));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Initialize_WhileAnotherHoldsTheMigrationLock_WaitsForIt()
    {
        await using var holder = new NpgsqlConnection(ConnectionString);
        await holder.OpenAsync(Ct);
        await using var transaction = await holder.BeginTransactionAsync(Ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresDialect.MigrationLockKey});", holder, transaction))
        {
            await take.ExecuteNonQueryAsync(Ct);
        }
        await using var store = new PostgresResultStore(ConnectionString);

        var initialize = store.InitializeAsync(Ct);
        // Not a sleep: poll until PostgreSQL shows the store's backend waiting for the migration lock (the test's
        // token, two minutes, is the hang guard). Until then the store must not have finished without the lock.
        const string waiting = """
            SELECT COUNT(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND pid <> pg_backend_pid()
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid::bigint = @high AND objid::bigint = @low AND objsubid = 1;
            """;
        await using (var poll = new NpgsqlCommand(waiting, holder, transaction))
        {
            poll.Parameters.AddWithValue("high", (long)(uint)(PostgresDialect.MigrationLockKey >> 32));
            poll.Parameters.AddWithValue("low", PostgresDialect.MigrationLockKey & 0xFFFF_FFFFL);
            while ((long)(await poll.ExecuteScalarAsync(Ct))! == 0)
            {
                Assert.False(initialize.IsCompleted, "InitializeAsync finished while another held the migration lock");
                await Task.Delay(TimeSpan.FromMilliseconds(10), Ct); // Polling interval, not a synchronisation sleep.
            }
        }

        Assert.False(initialize.IsCompleted);
        await transaction.CommitAsync(Ct);
        await initialize.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(PostgresDialect.Instance.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_migrations;"));
    }

    [Fact]
    public async Task Initialize_Version2StoreWithRuns_AddsRollupsFilledFromTheRuns()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        string version5 = await PostgresVersion5.CopyAsync(server, _database, Ct);
        await server.ExecuteAsync(
            _database,
            "SET search_path TO v5; DROP TABLE rollups; ALTER TABLE runs DROP COLUMN pings_pruned_at; DELETE FROM schema_migrations WHERE version >= 3;",
            Ct);

        await using var reopened = new PostgresResultStore(version5);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, Ct);
    }

    [Fact]
    public async Task Initialize_Version4StoreWithRuns_RebuildsTheRollupsWithWeeklyRows()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        Assert.Contains(before, r => r.GrainSeconds == 604800);
        string version5 = await PostgresVersion5.CopyAsync(server, _database, Ct);
        await server.ExecuteAsync(_database, "SET search_path TO v5; " + RollupMigrationCheck.BackToVersion4, Ct);

        await using var reopened = new PostgresResultStore(version5);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, 4, ["0005_weekly_rollups.sql", "0006_month_partitions.sql", "0007_ping_writes.sql", "0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], Ct);
    }

    [Fact]
    public async Task Initialize_Version7StoreWithRuns_FillsSixHourAndFourWeekRowsFromTheFinerRows()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        await server.ExecuteAsync(_database, RollupMigrationCheck.BackToVersion7, Ct);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM rollups WHERE grain_s IN (21600, 2419200);"));

        await using var reopened = new PostgresResultStore(ConnectionString);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, 7, ["0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], Ct);
    }

    [Fact]
    public async Task Initialize_Version8StoreWithRuns_FillsTheRowsAcrossLocationsFromTheRowsOfEveryLocation()
    {
        IReadOnlyList<Queries.RollupAggregate> before;
        await using (var store = new PostgresResultStore(ConnectionString))
        {
            before = await RollupMigrationCheck.SaveRunsAsync(store, Ct);
        }
        Assert.Contains(before, r => r.Locations is not null);
        await server.ExecuteAsync(_database, RollupMigrationCheck.BackToVersion8, Ct);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'rollups_all_locations';"));

        await using var reopened = new PostgresResultStore(ConnectionString);
        await RollupMigrationCheck.AssertMigratedAsync(reopened, before, 8, ["0009_all_locations_rollups.sql"], Ct);
    }
}

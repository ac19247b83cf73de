using RtcBench.Core.Results;
using RtcBench.Storage.Postgres;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>
/// Migration 0006 on PostgreSQL: runs and pings partitioned by UTC month of the run's start, partitions created by
/// the first save of a month, the run id kept unique across months by run_ids, and a store at schema version 5
/// moved into the partitions with every row unchanged.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPartitionTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset LastTickOfJanuary = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1);
    private static readonly DateTimeOffset February = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(180));
    private string _database = "";

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync(Ct);

    public Task DisposeAsync() => server.DropDatabaseAsync(_database, Ct);

    public void Dispose() => _timeout.Dispose();

    /// <summary>A run that starts on the last 100 ns tick of January (stored as …:59.999999 plus 9 ticks).</summary>
    private static RunResult LastOfJanuary(int pingCount = 40) =>
        TestRuns.Create(pingCount, startedAt: February.AddTicks(-10)) with { StartedAt = LastTickOfJanuary };

    private PostgresResultStore OpenStore() => new(server.ConnectionString(_database));

    private Task<long> CountAsync(string sql) => server.ScalarAsync<long>(_database, sql, Ct);

    /// <summary>The leaf partition that holds the rows of <paramref name="table"/> matching <paramref name="where"/>.</summary>
    private Task<string> PartitionOfAsync(string table, string where) =>
        server.ScalarAsync<string>(
            _database,
            $"SELECT string_agg(DISTINCT c.relname, ',') FROM {table} t JOIN pg_class c ON c.oid = t.tableoid WHERE {where};",
            Ct);

    private Task<string> LeavesAsync(string table) =>
        server.ScalarAsync<string>(
            _database,
            $"SELECT string_agg(relid::regclass::text, ',' ORDER BY relid::regclass::text) FROM pg_partition_tree('{table}') WHERE isleaf;",
            Ct);

    private static string Uuid(RunResult run) => $"'{PostgresRunId.ToGuid(run.RunId)}'";

    [Fact]
    public async Task Save_RunsInDifferentMonths_LandInTheirMonthsPartitionsWithTheirPings()
    {
        var lastOfJanuary = LastOfJanuary(pingCount: 30);   // its pings run into February
        var firstOfFebruary = TestRuns.Create(pingCount: 30, startedAt: February);
        var laterInFebruary = TestRuns.Create(pingCount: 30, startedAt: February.AddDays(27));
        var nextYear = TestRuns.Create(pingCount: 30, startedAt: new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var store = OpenStore();
        await store.InitializeAsync(Ct);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pg_partition_tree('runs') WHERE isleaf;"));

        foreach (var run in new[] { lastOfJanuary, firstOfFebruary, laterInFebruary, nextYear })
        {
            Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));
        }

        Assert.Equal("runs_2026_01,runs_2026_02,runs_2027_01", await LeavesAsync("runs"));
        Assert.Equal("pings_2026_01,pings_2026_02,pings_2027_01", await LeavesAsync("pings"));
        var expected = new[]
        {
            (lastOfJanuary, "2026_01"), (firstOfFebruary, "2026_02"), (laterInFebruary, "2026_02"), (nextYear, "2027_01"),
        };
        foreach (var (run, month) in expected)
        {
            Assert.Equal("runs_" + month, await PartitionOfAsync("runs", $"id = {Uuid(run)}"));
            Assert.Equal("pings_" + month, await PartitionOfAsync("pings", $"run_id = {Uuid(run)}"));
            Assert.Equal(30, await CountAsync($"SELECT COUNT(*) FROM pings_{month} WHERE run_id = {Uuid(run)};"));
            RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
        }
        Assert.True(lastOfJanuary.Pings[^1].ScheduledAt >= February);
        Assert.Equal(4, await CountAsync("SELECT COUNT(*) FROM run_ids;"));
        var page = await store.ListRunsAsync(new RunQuery { Since = February, Until = February.AddMonths(1) }, Ct);
        Assert.Equal([laterInFebruary.RunId, firstOfFebruary.RunId], page.Items.Select(r => r.RunId));
    }

    [Fact]
    public async Task Save_SameIdInAnotherMonth_IsAlreadyStoredAndChangesNothing()
    {
        var january = TestRuns.Create(startedAt: new DateTimeOffset(2026, 1, 10, 8, 0, 0, TimeSpan.Zero));
        var march = TestRuns.Create(startedAt: new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero), runId: january.RunId);
        await using var store = OpenStore();

        Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(january, Ct));
        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(march, Ct));
        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(january, Ct));

        Assert.Equal("runs_2026_01", await LeavesAsync("runs"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM runs;"));
        Assert.Equal(january.Pings.Count, await CountAsync("SELECT COUNT(*) FROM pings;"));
        var stored = await store.GetRunAsync(january.RunId, includePings: true, Ct);
        RunAssert.Equal(january, stored);
        // What the results service compares to answer the re-post 200 and the other run 409.
        Assert.Null(RunIdentity.FirstDifference(january, stored!));
        Assert.NotNull(RunIdentity.FirstDifference(march, stored!));
        Assert.Equal([january.RunId], await store.FindRunIdsAsync(january.RunId[..6], 10, Ct));
    }

    [Fact]
    public async Task Save_ConcurrentFirstRunsOfAMonth_CreateItsPartitionsOnceAndKeepEveryRun()
    {
        var start = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var runs = Enumerable.Range(0, 8).Select(i => TestRuns.Create(pingCount: 20, startedAt: start.AddMinutes(i))).ToList();
        var twin = TestRuns.Create(pingCount: 20, startedAt: start.AddHours(5));
        var stores = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToArray();
        try
        {
            foreach (var s in stores)
            {
                await s.InitializeAsync(Ct);
            }

            var saves = runs.Select((run, i) => Task.Run(() => stores[i % stores.Length].SaveRunAsync(run, Ct)))
                .Concat(stores.Select(s => Task.Run(() => s.SaveRunAsync(twin, Ct))))
                .ToArray();
            var outcomes = await Task.WhenAll(saves);

            Assert.All(outcomes[..runs.Count], o => Assert.Equal(SaveOutcome.Inserted, o));
            Assert.Single(outcomes[runs.Count..], o => o == SaveOutcome.Inserted);
            Assert.Equal("runs_2026_05", await LeavesAsync("runs"));
            Assert.Equal("pings_2026_05", await LeavesAsync("pings"));
            Assert.Equal(9, await CountAsync("SELECT COUNT(*) FROM runs_2026_05;"));
            Assert.Equal(9 * 20, await CountAsync("SELECT COUNT(*) FROM pings_2026_05;"));
        }
        finally
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PrunePings_AcrossMonths_DeletesOnlyThePingsOfRunsBeforeTheCutoff()
    {
        var january = TestRuns.Create(startedAt: new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero));
        var february = TestRuns.Create(startedAt: February.AddDays(3));
        var lateFebruary = TestRuns.Create(startedAt: February.AddDays(20));
        var march = TestRuns.Create(startedAt: new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero));
        await using var store = OpenStore();
        foreach (var run in new[] { january, february, lateFebruary, march })
        {
            await store.SaveRunAsync(run, Ct);
        }
        var prunedAt = new DateTimeOffset(2026, 4, 1, 3, 0, 0, TimeSpan.Zero);

        var report = await store.PrunePingsAsync(February.AddDays(14), prunedAt, Ct);

        Assert.Equal(new PruneReport(2, january.Pings.Count + february.Pings.Count), report);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pings_2026_01;"));
        Assert.Equal(lateFebruary.Pings.Count, await CountAsync("SELECT COUNT(*) FROM pings_2026_02;"));
        Assert.Equal(march.Pings.Count, await CountAsync("SELECT COUNT(*) FROM pings_2026_03;"));
        Assert.Equal(4, await CountAsync("SELECT COUNT(*) FROM runs;"));
        Assert.Equal(prunedAt, await store.GetPingsPrunedAtAsync(february.RunId, Ct));
        Assert.Null(await store.GetPingsPrunedAtAsync(lateFebruary.RunId, Ct));
        RunAssert.Equal(march, await store.GetRunAsync(march.RunId, includePings: true, Ct));
        Assert.Empty((await store.GetRunAsync(january.RunId, includePings: true, Ct))!.Pings);
    }

    [Fact]
    public async Task Migrate_Version5StoreWithRuns_MovesEveryRunPingAndRollupIntoMonthPartitionsUnchanged()
    {
        var runs = new List<RunResult>(ResultStoreContractTests.RandomRuns(seed: 606, count: 24))
        {
            LastOfJanuary(),
            TestRuns.Create(startedAt: February),
            TestRuns.Create(startedAt: new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero)),
            TestRuns.CreateEchoLost(new DateTimeOffset(2026, 6, 15, 9, 30, 0, TimeSpan.Zero)),
            TestRuns.CreateFailed(new DateTimeOffset(2026, 6, 16, 9, 30, 0, TimeSpan.Zero)),
        };
        await using (var current = OpenStore())
        {
            foreach (var run in runs)
            {
                Assert.Equal(SaveOutcome.Inserted, await current.SaveRunAsync(run, Ct));
            }
            // Some runs' pings already pruned: pings_pruned_at moves with them.
            Assert.True((await current.PrunePingsAsync(February.AddDays(1), February.AddMonths(2), Ct)).Runs >= 3);
        }
        string version5 = await PostgresVersion5.CopyAsync(server, _database, Ct);
        Assert.Equal(runs.Count, await CountAsync("SELECT COUNT(*) FROM v5.runs;"));
        string[] months = (await server.ScalarAsync<string>(
                _database, "SELECT string_agg(DISTINCT to_char(started_at AT TIME ZONE 'UTC', 'YYYY_MM'), ',') FROM v5.runs;", Ct))
            .Split(',').Order(StringComparer.Ordinal).ToArray();
        Assert.True(months.Length >= 4);

        await using var migrated = new PostgresResultStore(version5);
        var report = await migrated.InitializeAsync(Ct);

        Assert.Equal((5, 9), (report.FromVersion, report.ToVersion));
        Assert.Equal(["0006_month_partitions.sql", "0007_ping_writes.sql", "0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], report.Applied);
        // Row for row the same as the store that was saved at schema version 6 (same table layout in both schemas).
        // The six-hour and four-week rows are filled by 0008 from the hourly and weekly ones: equal but for the
        // mean and jitter sums, which add the same doubles in another order (compared within 1e-12 by the
        // migration tests).
        const string NewGrainColumns = "grain_s, platform, location_key, location, channel, bucket_start, runs, sent, ok, lost, late, mean_count, pairs, undecodable, histogram";
        foreach (string table in new[] { "runs", "pings", "run_ids", "rollups", "new_grain_rollups" })
        {
            string Rows(string schema) => table == "new_grain_rollups"
                ? $"(SELECT {NewGrainColumns} FROM {schema}.rollups WHERE grain_s IN (21600, 2419200))"
                : table == "rollups" ? $"(SELECT * FROM {schema}.rollups WHERE grain_s NOT IN (21600, 2419200))" : $"{schema}.{table}";
            long count = await CountAsync($"SELECT COUNT(*) FROM {Rows("public")} t;");
            Assert.True(count > 0, table);
            Assert.Equal(count, await CountAsync($"SELECT COUNT(*) FROM {Rows("v5")} t;"));
            Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM (SELECT * FROM {Rows("public")} a EXCEPT ALL SELECT * FROM {Rows("v5")} b) d;"));
            Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM (SELECT * FROM {Rows("v5")} a EXCEPT ALL SELECT * FROM {Rows("public")} b) d;"));
        }
        Assert.Equal(string.Join(',', months.Select(m => "v5.runs_" + m)), await LeavesAsync("v5.runs"));
        Assert.Equal(string.Join(',', months.Select(m => "v5.pings_" + m)), await LeavesAsync("v5.pings"));
        Assert.Equal(0, await CountAsync(
            "SELECT COUNT(*) FROM v5.runs r JOIN pg_class c ON c.oid = r.tableoid "
            + "WHERE c.relname <> 'runs_' || to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY_MM');"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pg_class WHERE relname IN ('runs_v5', 'pings_v5');"));

        // Through the API: every run, its pings and when they were pruned, listing and rollups.
        await using var current2 = OpenStore();
        foreach (var run in runs)
        {
            var expected = await current2.GetRunAsync(run.RunId, includePings: true, Ct);
            RunAssert.Equal(expected!, await migrated.GetRunAsync(run.RunId, includePings: true, Ct));
            Assert.Equal(await current2.GetPingsPrunedAtAsync(run.RunId, Ct), await migrated.GetPingsPrunedAtAsync(run.RunId, Ct));
        }
        var all = new RunQuery { Limit = RunQuery.MaxLimit };
        Assert.Equal(
            (await current2.ListRunsAsync(all, Ct)).Items.Select(r => r.RunId),
            (await migrated.ListRunsAsync(all, Ct)).Items.Select(r => r.RunId));
        var rollups = await RollupMigrationCheck.ReadAsync(migrated, Ct);
        Assert.Equal(runs.Count, rollups.Where(r => r.GrainSeconds == 86400 && r.Locations is null).Sum(r => r.Sums.Runs));
        // Migration 0009 filled the rows across locations from the moved rows.
        Assert.Equal(runs.Count, rollups.Where(r => r.GrainSeconds == 86400 && r.Locations is not null).Sum(r => r.Sums.Runs));
        // And the migrated store keeps saving: a new month, and a re-post.
        var later = TestRuns.Create(startedAt: new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(SaveOutcome.Inserted, await migrated.SaveRunAsync(later, Ct));
        Assert.Equal(SaveOutcome.AlreadyExists, await migrated.SaveRunAsync(runs[0], Ct));
        Assert.Equal("runs_2027_03", await PartitionOfAsync("v5.runs", $"id = {Uuid(later)}"));
    }
}

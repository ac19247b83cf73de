using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using RtcBench.Storage.Postgres;
using Xunit.Abstractions;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>What the PostgreSQL store does to its database, beyond the contract: columns, types, cascade, speed, secrets.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresResultStoreServerTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private string _database = "";

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync(Ct);

    public Task DisposeAsync() => server.DropDatabaseAsync(_database, Ct);

    public void Dispose() => _timeout.Dispose();

    private PostgresResultStore Open() => new(server.ConnectionString(_database));

    private Task<T> ScalarAsync<T>(string sql) => server.ScalarAsync<T>(_database, sql, Ct);

    [Fact]
    public async Task ReadExisting_DatabaseWithoutSchema_StoreNotFoundAndNothingCreated()
    {
        await using var store = new PostgresResultStore(server.ConnectionString(_database), StoreAccess.ReadExisting);

        var error = await Assert.ThrowsAsync<StoreNotFoundException>(() => store.ListRunsAsync(new RunQuery(), Ct));

        Assert.Contains("holds no RtcBench result store", error.Message, StringComparison.Ordinal);
        Assert.False(await ScalarAsync<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL;"));
    }

    [Fact]
    public async Task ReadExisting_DatabaseThatDoesNotExist_StoreNotFound()
    {
        await using var store = new PostgresResultStore(server.ConnectionString("no_such_database"), StoreAccess.ReadExisting);

        var error = await Assert.ThrowsAsync<StoreNotFoundException>(() => store.InitializeAsync(Ct));

        Assert.Contains("the database does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadExisting_MigratedDatabase_Reads()
    {
        await using (var writer = Open())
        {
            await writer.InitializeAsync(Ct);
        }
        await using var reader = new PostgresResultStore(server.ConnectionString(_database), StoreAccess.ReadExisting);

        Assert.Equal(0, (await reader.ListRunsAsync(new RunQuery(), Ct)).Total);
    }

    [Fact]
    public async Task SaveRun_HundredThousandPings_RoundTrips()
    {
        var run = TestRuns.Create(pingCount: 100_000);
        await using var store = Open();
        await store.InitializeAsync(Ct);

        var save = Stopwatch.StartNew();
        Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));
        save.Stop();
        var read = Stopwatch.StartNew();
        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);
        read.Stop();

        output.WriteLine($"100,000 pings: save {save.ElapsedMilliseconds} ms, read {read.ElapsedMilliseconds} ms");
        RunAssert.Equal(run, back);
        Assert.Equal(100_000, await ScalarAsync<long>("SELECT COUNT(*) FROM pings;"));
    }

    [Fact]
    public async Task SaveRun_Run_StoresQueryableColumnsWithNativeTypes()
    {
        var run = TestRuns.Create() with { StartedAt = TestRuns.BaseTime.AddTicks(7) };
        await using var store = Open();
        await store.SaveRunAsync(run, Ct);

        Assert.Equal(Guid.ParseExact(run.RunId, "N"), await ScalarAsync<Guid>("SELECT id FROM runs;"));
        Assert.Equal(TestRuns.BaseTime, await ScalarAsync<DateTime>("SELECT started_at FROM runs;"));
        Assert.Equal(7, await ScalarAsync<short>("SELECT started_at_ticks FROM runs;"));
        Assert.Equal(300, await ScalarAsync<int>("SELECT length(histogram) FROM runs;"));
        Assert.Equal(run.Stats.Ok, await ScalarAsync<int>("SELECT ok FROM runs;"));
        Assert.Equal(run.Stats.Rtt!.P95Us, await ScalarAsync<double>("SELECT (stats->'rtt'->>'p95_us')::double precision FROM runs;"));
        Assert.Equal("cöde", await ScalarAsync<string>("SELECT path->'details'->>'ünï' FROM runs;"));
        Assert.Equal(2, await ScalarAsync<long>("SELECT COUNT(*) FROM pings WHERE status = 'not_sent' AND sent_at IS NULL AND rtt_us IS NULL;"));
        Assert.Equal(TestRuns.BaseTime, await ScalarAsync<DateTime>("SELECT scheduled_at FROM pings WHERE seq = 0;"));
        Assert.Equal("jsonb", await ScalarAsync<string>("SELECT pg_typeof(stats)::text FROM runs;"));
    }

    [Fact]
    public async Task SaveRun_TimesBefore1970AndNonUtcOffsets_ReadBackAsTheSameInstants()
    {
        var tokyo = TimeSpan.FromHours(9);
        var start = new DateTimeOffset(1969, 12, 31, 23, 59, 59, tokyo).AddTicks(3);
        var run = TestRuns.Create(pingCount: 5, startedAt: start.AddTicks(-3)) with { StartedAt = start, EndedAt = start.AddTicks(-9) };
        await using var store = Open();
        await store.SaveRunAsync(run, Ct);

        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);

        RunAssert.Equal(run, back);
        Assert.Equal(run.StartedAt.UtcTicks, back!.StartedAt.UtcTicks);
        Assert.Equal(run.EndedAt.UtcTicks, back.EndedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, back.StartedAt.Offset);
    }

    [Fact]
    public async Task SaveRun_NulCharacterInText_ThrowsArgumentExceptionAndStoresNothing()
    {
        var run = TestRuns.Create();
        await using var store = Open();

        var inPlatform = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(run with { Platform = "ud\0p" }, Ct));
        var inPath = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(
            run with { Path = run.Path! with { Details = new Dictionary<string, string> { ["k"] = "v\0" } } }, Ct));

        Assert.Contains("platform", inPlatform.Message, StringComparison.Ordinal);
        Assert.Contains("path", inPath.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetRunAsync(run.RunId, includePings: false, Ct));
    }

    [Fact]
    public async Task DeleteRun_CascadesToPings()
    {
        await using (var store = Open())
        {
            await store.SaveRunAsync(TestRuns.Create(), Ct);
        }

        await server.ExecuteAsync(_database, "DELETE FROM runs;", Ct);

        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM pings;"));
    }

    [Fact]
    public async Task DeleteRun_FromItsMonthPartition_CascadesToItsPingsOnly()
    {
        var kept = TestRuns.Create();
        var deleted = TestRuns.Create();
        await using (var store = Open())
        {
            await store.SaveRunAsync(kept, Ct);
            await store.SaveRunAsync(deleted, Ct);
        }
        string partition = await ScalarAsync<string>("SELECT tableoid::regclass::text FROM runs LIMIT 1;");

        await server.ExecuteAsync(_database, $"DELETE FROM {partition} WHERE id = '{deleted.RunId}';", Ct);

        Assert.Equal(0, await ScalarAsync<long>($"SELECT COUNT(*) FROM pings WHERE run_id = '{deleted.RunId}';"));
        Assert.Equal(kept.Pings.Count, await ScalarAsync<long>($"SELECT COUNT(*) FROM pings WHERE run_id = '{kept.RunId}';"));
    }

    [Fact]
    public async Task SaveRun_PingInsertFails_RunRowRolledBack()
    {
        await using var store = Open();
        await store.InitializeAsync(Ct);
        // A constraint the store does not know about makes the COPY fail after the run row was inserted.
        await server.ExecuteAsync(_database, "ALTER TABLE pings ADD CONSTRAINT no_late CHECK (status <> 'late');", Ct);
        var run = TestRuns.Create();

        await Assert.ThrowsAsync<PostgresException>(() => store.SaveRunAsync(run, Ct));

        Assert.Null(await store.GetRunAsync(run.RunId, includePings: false, Ct));
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM runs;"));
    }

    [Fact]
    public async Task Open_NoServerListening_ErrorLeavesPasswordOut()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var store = ResultStoreFactory.Open($"postgres://bench:hunter2-secret@127.0.0.1:{closedPort}/rtcbench");

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.InitializeAsync(Ct));

        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", store.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FactoryUrlSpec_OpensWorkingPostgresStore()
    {
        var run = TestRuns.Create();
        var target = new NpgsqlConnectionStringBuilder(server.ConnectionString(_database));

        await using (var store = ResultStoreFactory.Open($"postgres://{target.Username}:ignored@{target.Host}:{target.Port}/{target.Database}"))
        {
            Assert.IsType<PostgresResultStore>(store);
            Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));
        }
        await using (var store = ResultStoreFactory.Open("postgres:" + target.ConnectionString))
        {
            RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
        }
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var store = Open();
        await store.InitializeAsync(Ct);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListRunsAsync(new RunQuery(), Ct));
    }
}

using Microsoft.Extensions.Logging;
using System.Net;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage.Postgres;
using RtcBench.Storage.Tests.Postgres;

namespace RtcBench.Server.Tests;

/// <summary>The service on a real PostgreSQL server: the same answers as on SQLite, and 503 while the server is down.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServiceTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(180));
    private string? _database;
    private PostgresResultStore? _store;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync(Ct);
        _store = new PostgresResultStore(server.ConnectionString(_database));
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database, Ct);
        }
    }

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Aggregated_OnPostgres_SameHandComputedFigures()
    {
        await using var harness = await ServerHarness.StartAsync(_store);
        await harness.PostAllAsync(AggregationTests.ThreeRuns(RunFactory.BaseTime));

        var pooled = await harness.GetJsonAsync("/api/results/aggregated?method=pooled-pings");
        var merged = await harness.GetJsonAsync("/api/results/aggregated");

        var p = Assert.Single(pooled.GetProperty("groups").EnumerateArray());
        Assert.Equal(230_000, p.GetProperty("p95_us").GetDouble(), 6);
        Assert.Equal(238_000, p.GetProperty("p99_us").GetDouble(), 6);
        Assert.Equal(90_000, p.GetProperty("mean_us").GetDouble(), 6);
        var m = Assert.Single(merged.GetProperty("groups").EnumerateArray());
        AggregationTests.AssertWithinOnePercent(230_000, m.GetProperty("p95_us").GetDouble());
        Assert.Equal(0.125, m.GetProperty("loss").GetDouble(), 12);
        Assert.Equal("postgres", (await harness.GetJsonAsync("/health")).GetProperty("store").GetString());
    }

    [Fact]
    public async Task Ingest_SameIdDifferentContentOnPostgres_409()
    {
        await using var harness = await ServerHarness.StartAsync(_store);
        await IngestTests.AssertConflictAsync(harness, Ct);
    }

    [Fact]
    public async Task Ingest_SameRunWrittenDifferentlyOnPostgres_200()
    {
        await using var harness = await ServerHarness.StartAsync(_store);
        await IngestTests.AssertSameRunWrittenDifferentlyAsync(harness, Ct);
    }

    [Fact]
    public async Task Outage_ManyRequestsWhilePostgresIsDown_503EachOneLogLineAtStartAndOneAtEndNoStackTrace()
    {
        using var logs = new CapturedLogs();
        await using var harness = await ServerHarness.StartAsync(_store, loggerFactory: logs.Factory);
        await harness.PostAllAsync(RunFactory.Create([1, 2, 3]));
        await harness.GetJsonAsync("/api/runs");
        int before = logs.Entries.Count;

        await server.StopAsync(Ct);
        try
        {
            foreach (string path in new[] { "/api/runs", "/api/results/aggregated", "/api/results/locations", "/api/runs", "/api/results/latest", "/api/results/compare?a=udp&b=direct" })
            {
                using var response = await harness.Client.GetAsync(path, Ct);
                await IngestTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "the result store is unavailable", Ct);
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            }
            using (var post = await harness.PostRunAsync(RunFactory.Create([4, 5])))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            }
            await harness.GetJsonAsync("/health", HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await server.StartAsync(Ct);
        }
        await harness.GetJsonAsync("/api/runs");
        await harness.GetJsonAsync("/api/runs");

        // What `rtcbench serve` shows: its own lines from Information up, ASP.NET Core's from Warning up.
        var during = logs.Entries.Skip(before)
            .Where(e => e.Level >= LogLevel.Warning || (e.Level >= LogLevel.Information && e.Category.StartsWith("RtcBench", StringComparison.Ordinal)))
            .ToList();
        string all = string.Join("\n", during);
        Assert.DoesNotContain(during, e => e.Exception is not null);
        Assert.DoesNotContain(during, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain("unhandled", all, StringComparison.OrdinalIgnoreCase);
        var started = Assert.Single(during, e => e.Message.Contains("result store is unavailable", StringComparison.Ordinal));
        var ended = Assert.Single(during, e => e.Message.Contains("result store is available again", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, started.Level);
        Assert.Contains("8 requests answered 503", ended.Message, StringComparison.Ordinal);
        Assert.Equal(2, during.Count);
    }

    [Fact]
    public async Task Ingest_PostgresStoppedAndRestarted_503MeanwhileThenRecoversWithoutRestart()
    {
        await using var harness = await ServerHarness.StartAsync(_store);
        var before = RunFactory.Create([1, 2, 3]);
        var during = RunFactory.Create([4, 5, 6]);
        using (var first = await harness.PostRunAsync(before))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        await server.StopAsync(Ct);
        try
        {
            using var down = await harness.PostRunAsync(during);
            await IngestTests.AssertProblemAsync(down, HttpStatusCode.ServiceUnavailable, "unavailable", Ct);
            Assert.Equal(TimeSpan.FromSeconds(5), down.Headers.RetryAfter?.Delta);
            await harness.GetJsonAsync("/health", HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await server.StartAsync(Ct);
        }

        using var again = await harness.PostRunAsync(during);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        using var repeat = await harness.PostRunAsync(before);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("ok", (await harness.GetJsonAsync("/health")).GetProperty("status").GetString());
        Assert.Equal(2, (await harness.GetJsonAsync("/api/runs")).GetProperty("total").GetInt64());
    }
}

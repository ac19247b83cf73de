using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using RtcBench.Core.Histograms;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Server;
using RtcBench.Storage;
using RtcBench.Storage.Postgres;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Bench;

/// <summary>
/// The results service on a real store: ingest throughput over HTTP (runs of 200 pings, posted by a few concurrent
/// clients) until the store holds the requested number of pings, then the latency of the aggregated and timeseries
/// queries over all of them, with both aggregation methods.
/// </summary>
internal static class ResultsServiceBenchmark
{
    private const int PingsPerRun = 200;
    private const int Clients = 4;
    private static readonly string[] Platforms = ["udp", "janus"];
    private static readonly string[] Locations = ["eu-west-1", "us-east-1", "ap-south-1"];

    public static async Task<string> RunAsync(string storeKind, string? postgres, int totalPings, int queries)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## {storeKind}");
        report.AppendLine();
        string? tempDir = null;
        string? database = null;
        IResultStore store;
        if (storeKind == "sqlite")
        {
            tempDir = Path.Combine(Path.GetTempPath(), "rtcbench-bench-" + Guid.NewGuid().ToString("N"));
            store = new SqliteResultStore(Path.Combine(tempDir, "results.db"));
        }
        else
        {
            database = "bench_" + Guid.NewGuid().ToString("N")[..12];
            await ExecuteAsync(postgres!, $"CREATE DATABASE {database};");
            store = new PostgresResultStore(new NpgsqlConnectionStringBuilder(postgres) { Database = database, MaxPoolSize = 20 }.ConnectionString);
        }
        try
        {
            await store.InitializeAsync(CancellationToken.None);
            await using var server = await ServerHost.StartAsync(
                new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store);
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
            var now = DateTimeOffset.UtcNow;
            int runs = totalPings / PingsPerRun;
            await IngestAsync(http, runs, now, report);
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Queries over {runs:N0} runs = {runs * PingsPerRun:N0} stored pings ({Platforms.Length} platforms × {Locations.Length} locations over 7 days); {queries} timed requests each after 3 warm-up:");
            report.AppendLine();
            report.AppendLine("| query | p50 ms | p95 ms | max ms |");
            report.AppendLine("|---|---|---|---|");
            foreach (string query in new[]
            {
                "/api/results/aggregated?hours=168",
                "/api/results/aggregated?hours=168&bucket=1d",
                "/api/results/timeseries?metric=p95&hours=168&bucket=1h",
                "/api/results/timeseries?metric=jitter&hours=168&bucket=1h&platform=udp&location=eu-west-1",
                "/api/results/aggregated?hours=168&method=pooled-pings",
                "/api/results/timeseries?metric=p95&hours=168&bucket=1h&method=pooled-pings",
                "/api/results/timeseries?metric=p95&hours=24&bucket=1h&method=pooled-pings&platform=udp&location=eu-west-1",
            })
            {
                bool pooled = query.Contains("pooled", StringComparison.Ordinal) && !query.Contains("location=", StringComparison.Ordinal);
                var (p50, p95, max) = await TimeAsync(http, query, pooled ? Math.Max(5, queries / 5) : queries);
                report.AppendLine(CultureInfo.InvariantCulture, $"| `{query}` | {p50:F1} | {p95:F1} | {max:F1} |");
            }
        }
        finally
        {
            await store.DisposeAsync();
            if (tempDir is not null)
            {
                Directory.Delete(tempDir, recursive: true);
            }
            if (database is not null)
            {
                await ExecuteAsync(postgres!, $"DROP DATABASE {database} WITH (FORCE);");
            }
        }
        return report.ToString();
    }

    private static async Task IngestAsync(HttpClient http, int runs, DateTimeOffset now, StringBuilder report)
    {
        // Documents are made and serialised before timing: the figure is the service + store, not the generator.
        var random = new Random(42);
        var documents = new string[runs];
        for (int i = 0; i < runs; i++)
        {
            var started = now.AddDays(-7).AddSeconds(7 * 86_400.0 * i / runs);
            documents[i] = ResultJson.Serialize(
                MakeRun(random, started, Platforms[i % Platforms.Length], Locations[(i / Platforms.Length) % Locations.Length]),
                indented: false);
        }
        var (total, perRequest) = await HttpTiming.IngestAsync(http, documents, Clients);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Ingest: {runs:N0} runs × {PingsPerRun} pings ({documents[0].Length / 1024.0:F0} KiB each) by {Clients} concurrent clients in {total.TotalSeconds:F1} s: " +
            $"**{runs / total.TotalSeconds:F0} runs/s** ({runs * PingsPerRun / total.TotalSeconds:N0} pings/s); " +
            $"per-request p50 {perRequest.P50:F1} ms, p95 {perRequest.P95:F1} ms.");
    }

    private static async Task<Latencies> TimeAsync(HttpClient http, string query, int count)
    {
        for (int i = 0; i < 3; i++)
        {
            await HttpTiming.GetAsync(http, query);
        }
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            times[i] = await HttpTiming.TimeGetAsync(http, query);
        }
        return Latencies.Of(times);
    }

    /// <summary>A run of 200 pings around 20–60 ms on the lossy channel.</summary>
    private static RunResult MakeRun(Random random, DateTimeOffset started, string platform, string location) =>
        SyntheticRun.Make(random, started, platform, location, "lossy", PingsPerRun, 20_000 + (random.NextDouble() * 40_000), sigma: 0.25);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Core.Results;
using RtcBench.Server;
using RtcBench.Storage;
using RtcBench.Storage.Postgres;

namespace RtcBench.Bench;

/// <summary>
/// Issue 18: a fleet (locations × 4 platforms × 2 channels, one run per series every interval) over a span of days in
/// PostgreSQL: runs with statistics and histograms bulk-loaded by binary COPY (raw pings only for the last day), the
/// rollups rebuilt from them, then the query latency of aggregated and timeseries over a year, a week and an hour,
/// ingest with rollups on (HTTP, runs of 200 pings), and the disk per run.
/// </summary>
internal static class FleetScaleBenchmark
{
    private static readonly string[] Platforms = ["udp", "direct", "livekit", "janus"];
    private static readonly string[] Channels = ["lossy", "reliable"];
    private const int PingsPerRun = 200;
    private const int Templates = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchArgs.Read(args, "--postgres", "--locations", "--interval-min", "--days", "--queries", "--ingest-runs") is not { } a)
        {
            return 2;
        }

        string? postgres = a.String("--postgres") ?? Environment.GetEnvironmentVariable("RTCBENCH_BENCH_POSTGRES");
        int locations = a.Int("--locations", 100), intervalMin = a.Int("--interval-min", 15), days = a.Int("--days", 365);
        int queries = a.Int("--queries", 20), ingestRuns = a.Int("--ingest-runs", 3000);
        if (string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("fleet-scale needs --postgres CONNSTRING (or $RTCBENCH_BENCH_POSTGRES): a server where the bench may create a database");
            return 2;
        }
        int series = locations * Platforms.Length * Channels.Length;
        long runsPerSeries = (long)days * 24 * 60 / intervalMin;
        long total = series * runsPerSeries;
        var report = new StringBuilder();
        report.AppendLine("# Fleet scale: a year of a fleet in PostgreSQL (issue 18)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- fleet-scale --postgres CONNSTRING --locations {locations} --interval-min {intervalMin} --days {days} --queries {queries} --ingest-runs {ingestRuns}`");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- fleet: {locations} locations × {Platforms.Length} platforms × {Channels.Length} channels = {series:N0} series, one run every {intervalMin} min for {days} days = **{total:N0} runs** (the issue's full size is `--locations 100 --interval-min 15 --days 365`: 11.2 M runs)");
        report.AppendLine("- runs bulk-loaded by binary COPY with statistics and histograms of 200-ping runs (256 templates cycled); raw pings for the last day only; rollups then rebuilt from the runs (`RebuildRollupsAsync`, as `rtcbench db rebuild-rollups`)");
        report.AppendLine("- the 2-core VM is shared with other work: treat differences under ~20% as noise");
        report.AppendLine();

        string database = "fleet_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(postgres, $"CREATE DATABASE {database};");
        string connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database, MaxPoolSize = 20, CommandTimeout = 3600 }.ConnectionString;
        try
        {
            var store = new PostgresResultStore(connection);
            await using (store)
            {
                await store.InitializeAsync(CancellationToken.None);
                var now = DateTimeOffset.UtcNow;
                var end = DateTimeOffset.UnixEpoch.AddTicks((now - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute);
                var load = Stopwatch.StartNew();
                long pings = await BulkLoadAsync(connection, locations, intervalMin, days, end);
                load.Stop();
                Console.Error.WriteLine($"fleet-scale: loaded {total:N0} runs in {load.Elapsed.TotalSeconds:F0} s; rebuilding rollups…");
                var rebuild = Stopwatch.StartNew();
                var rebuilt = await store.RebuildRollupsAsync(CancellationToken.None);
                rebuild.Stop();
                await ExecuteAsync(connection, "VACUUM ANALYZE;");
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"Load: {total:N0} runs + {pings:N0} pings by COPY in {load.Elapsed.TotalSeconds:F0} s ({total / load.Elapsed.TotalSeconds:N0} runs/s). " +
                    $"Rollup rebuild from the runs (multi-row INSERTs): {rebuilt.HourRows:N0} hourly + {rebuilt.DayRows:N0} daily + {rebuilt.WeekRows:N0} weekly rows in {rebuild.Elapsed.TotalSeconds:F0} s.");
                report.AppendLine();
                await DiskAsync(connection, total, pings, report);

                await using var server = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store);
                // The baseline: the same store and service, planning with days as the coarsest grain (before weeks).
                await using var daysServer = await ServerHost.StartAsync(
                    new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), CoarsestRollupSeconds = 86400 }, store);
                using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                using var daysHttp = new HttpClient { BaseAddress = daysServer.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"Queries ({queries} timed requests each after 2 warm-up, interleaved request by request with the baseline: the same service planning with days as its coarsest grain, as before weekly rollups; the window ends now, so its edges are partial hours read from the runs):");
                report.AppendLine();
                report.AppendLine("| query | groups | p50 ms | p95 ms | max ms | baseline (days) p50 / p95 ms | p95 ratio | source (method_note) |");
                report.AppendLine("|---|---|---|---|---|---|---|---|");
                string loc = "loc-001";
                foreach (string query in new[]
                {
                    "/api/results/aggregated?hours=8760",
                    "/api/results/aggregated?hours=8760&platform=udp&location=" + loc,
                    "/api/results/timeseries?metric=p95&hours=8760&bucket=1d&platform=udp&location=" + loc,
                    "/api/results/timeseries?metric=p95&hours=8760&bucket=7d&across_locations=true",
                    "/api/results/aggregated?hours=168",
                    "/api/results/timeseries?metric=p95&hours=168&bucket=1h&platform=udp&location=" + loc,
                    "/api/results/timeseries?metric=p95&hours=168&bucket=1d",
                    "/api/results/aggregated?hours=1",
                    "/api/results/timeseries?metric=p95&hours=1&bucket=15m",
                })
                {
                    var (timed, baseline) = await TimeAsync(http, daysHttp, query, queries);
                    if (timed.Groups != baseline.Groups)
                    {
                        throw new InvalidOperationException($"{query}: {timed.Groups} groups, the baseline {baseline.Groups}");
                    }
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"| `{query}` | {timed.Groups:N0} | {timed.P50:F1} | {timed.P95:F1} | {timed.Max:F1} | {baseline.P50:F1} / {baseline.P95:F1} | {timed.P95 / baseline.P95:F2} | {timed.Note} |");
                    Console.Error.WriteLine($"fleet-scale: {query}: p95 {timed.P95:F1} ms (baseline {baseline.P95:F1} ms)");
                }
                report.AppendLine();
                await IngestAsync(http, ingestRuns, now, report);
                await DiskAsync(connection, null, null, null);
            }
        }
        finally
        {
            await ExecuteAsync(postgres, $"DROP DATABASE {database} WITH (FORCE);");
        }
        return await BenchReport.EmitAsync(report.ToString(), a.Output);
    }

    /// <summary>COPYs the runs (and the last day's pings); returns the pings loaded.</summary>
    private static async Task<long> BulkLoadAsync(string connectionString, int locations, int intervalMin, int days, DateTimeOffset end)
    {
        var random = new Random(18);
        var templates = new (RunResult Run, string Stats, byte[] Histogram)[Templates];
        for (int t = 0; t < Templates; t++)
        {
            var run = SyntheticRun.Make(random, end, "udp", "loc", "lossy", PingsPerRun, 20_000 + (random.NextDouble() * 40_000), sigma: 0.25);
            templates[t] = (run, JsonSerializer.Serialize(run.Stats, ResultJson.Options), Convert.FromBase64String(run.Histogram.Data));
        }
        var start = end.AddDays(-days);
        var lastDay = end.AddDays(-1);
        long slots = (long)days * 24 * 60 / intervalMin;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var pingRuns = new List<(Guid Id, DateTimeOffset Started, int Template)>();
        // The store partitions runs and pings by UTC month (migration 0006) and creates a month's partitions at its
        // first save; a bulk load creates them for the whole span first.
        for (var month = new DateTimeOffset(start.Year, start.Month, 1, 0, 0, 0, TimeSpan.Zero); month < end; month = month.AddMonths(1))
        {
            await using var create = new NpgsqlCommand("SELECT rtcbench_create_month_partitions(@t);", connection);
            create.Parameters.AddWithValue("t", NpgsqlDbType.TimestampTz, month);
            await create.ExecuteNonQueryAsync();
        }
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY runs (id, schema, tool_version, platform, channel, transport_mode, location, started_at, started_at_ticks, ended_at, ended_at_ticks, "
            + "count, interval_ms, warmup, deadline_ms, payload_bytes, schedule, outcome_status, sent, ok, lost, late, loss_rate, "
            + "rtt_p50_us, rtt_p95_us, rtt_p99_us, rtt_mean_us, jitter_rfc3550_us, stats, histogram_encoding, histogram_unit, "
            + "histogram_relative_accuracy, histogram_count, histogram) FROM STDIN (FORMAT BINARY)"))
        {
            long n = 0;
            for (long slot = 0; slot < slots; slot++)
            {
                var slotStart = start.AddMinutes(slot * intervalMin);
                for (int l = 0; l < locations; l++)
                {
                    string location = "loc-" + l.ToString("D3", CultureInfo.InvariantCulture);
                    foreach (string platform in Platforms)
                    {
                        foreach (string channel in Channels)
                        {
                            int t = (int)(n++ % Templates);
                            var (run, stats, histogram) = templates[t];
                            // Spread the series over the interval, whole microseconds.
                            var started = slotStart.AddTicks((n * 7919 % (intervalMin * 60_000_000L)) * 10);
                            var id = Guid.NewGuid();
                            if (started >= lastDay)
                            {
                                pingRuns.Add((id, started, t));
                            }
                            var s = run.Stats;
                            await importer.StartRowAsync();
                            await importer.WriteAsync(id, NpgsqlDbType.Uuid);
                            await importer.WriteAsync(run.Schema, NpgsqlDbType.Text);
                            await importer.WriteAsync(run.ToolVersion, NpgsqlDbType.Text);
                            await importer.WriteAsync(platform, NpgsqlDbType.Text);
                            await importer.WriteAsync(channel, NpgsqlDbType.Text);
                            await importer.WriteAsync("udp", NpgsqlDbType.Text);
                            await importer.WriteAsync(location, NpgsqlDbType.Text);
                            await importer.WriteAsync(started, NpgsqlDbType.TimestampTz);
                            await importer.WriteAsync((short)0, NpgsqlDbType.Smallint);
                            await importer.WriteAsync(started.AddSeconds(21), NpgsqlDbType.TimestampTz);
                            await importer.WriteAsync((short)0, NpgsqlDbType.Smallint);
                            await importer.WriteAsync(run.Config.Count, NpgsqlDbType.Integer);
                            await importer.WriteAsync(run.Config.IntervalMs, NpgsqlDbType.Double);
                            await importer.WriteAsync(run.Config.Warmup, NpgsqlDbType.Integer);
                            await importer.WriteAsync(run.Config.DeadlineMs, NpgsqlDbType.Double);
                            await importer.WriteAsync(run.Config.PayloadBytes, NpgsqlDbType.Integer);
                            await importer.WriteAsync(run.Config.Schedule, NpgsqlDbType.Text);
                            await importer.WriteAsync(run.Outcome.Status, NpgsqlDbType.Text);
                            await importer.WriteAsync(s.Sent, NpgsqlDbType.Integer);
                            await importer.WriteAsync(s.Ok, NpgsqlDbType.Integer);
                            await importer.WriteAsync(s.Lost, NpgsqlDbType.Integer);
                            await importer.WriteAsync(s.Late, NpgsqlDbType.Integer);
                            await importer.WriteAsync(s.LossRate, NpgsqlDbType.Double);
                            await importer.WriteAsync(s.Rtt!.P50Us, NpgsqlDbType.Double);
                            await importer.WriteAsync(s.Rtt.P95Us, NpgsqlDbType.Double);
                            await importer.WriteAsync(s.Rtt.P99Us, NpgsqlDbType.Double);
                            await importer.WriteAsync(s.Rtt.MeanUs, NpgsqlDbType.Double);
                            await importer.WriteAsync(s.JitterRfc3550Us ?? 0, NpgsqlDbType.Double);
                            await importer.WriteAsync(stats, NpgsqlDbType.Jsonb);
                            await importer.WriteAsync(run.Histogram.Encoding, NpgsqlDbType.Text);
                            await importer.WriteAsync(run.Histogram.Unit, NpgsqlDbType.Text);
                            await importer.WriteAsync(run.Histogram.RelativeAccuracy, NpgsqlDbType.Double);
                            await importer.WriteAsync(run.Histogram.Count, NpgsqlDbType.Bigint);
                            await importer.WriteAsync(histogram, NpgsqlDbType.Bytea);
                        }
                    }
                }
                if (slot % 2000 == 0)
                {
                    Console.Error.WriteLine($"fleet-scale: {n:N0} runs written");
                }
            }
            await importer.CompleteAsync();
        }
        // The run ids' registry (dedup and id lookups), as the store's saves fill it.
        await using (var ids = new NpgsqlCommand("INSERT INTO run_ids (id, started_at) SELECT id, started_at FROM runs;", connection))
        {
            await ids.ExecuteNonQueryAsync();
        }
        long pings = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY pings (run_id, run_started_at, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, started, t) in pingRuns)
            {
                var offset = started - templates[t].Run.StartedAt;
                foreach (var ping in templates[t].Run.Pings)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(id, NpgsqlDbType.Uuid);
                    await importer.WriteAsync(started, NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(ping.Seq, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(ping.Status, NpgsqlDbType.Text);
                    await importer.WriteAsync(ping.ScheduledAt.Add(offset), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(ping.SentAt!.Value.Add(offset), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(ping.SendDelayUs!.Value, NpgsqlDbType.Double);
                    if (ping.RttUs is { } rtt)
                    {
                        await importer.WriteAsync(rtt, NpgsqlDbType.Double);
                        await importer.WriteAsync(ping.NetRttUs!.Value, NpgsqlDbType.Double);
                    }
                    else
                    {
                        await importer.WriteNullAsync();
                        await importer.WriteNullAsync();
                    }
                    pings++;
                }
            }
            await importer.CompleteAsync();
        }
        return pings;
    }

    private static async Task DiskAsync(string connectionString, long? runs, long? pings, StringBuilder? report)
    {
        if (report is null || runs is null || pings is null)
        {
            return;
        }
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<long> SizeAsync(string table)
        {
            // Month-partitioned tables (runs, pings): the partitions hold the rows (a plain table has no tree).
            await using var command = new NpgsqlCommand(
                $"SELECT (pg_total_relation_size('{table}') + COALESCE((SELECT SUM(pg_total_relation_size(relid)) "
                + $"FROM pg_partition_tree('{table}') WHERE level > 0), 0))::bigint;",
                connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        long runBytes = await SizeAsync("runs") + await SizeAsync("run_ids"), pingBytes = await SizeAsync("pings"), rollupBytes = await SizeAsync("rollups");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Disk (tables with indexes and TOAST, all month partitions): runs (with run_ids) {runBytes / 1048576.0:N0} MiB = **{(double)runBytes / runs.Value:N0} B per run**; " +
            $"rollups {rollupBytes / 1048576.0:N0} MiB = {(double)rollupBytes / runs.Value:N0} B per run; pings {pingBytes / 1048576.0:N0} MiB for {pings.Value:N0} pings = {(pings.Value == 0 ? 0 : (double)pingBytes / pings.Value):N0} B per ping " +
            $"(a run's 200 raw pings would add {(pings.Value == 0 ? 0 : 200.0 * pingBytes / pings.Value):N0} B: what ping retention saves).");
        report.AppendLine();
    }

    private static async Task IngestAsync(HttpClient http, int runs, DateTimeOffset now, StringBuilder report)
    {
        var random = new Random(4242);
        var documents = new string[runs];
        for (int i = 0; i < runs; i++)
        {
            var started = now.AddMinutes(-50).AddSeconds(2700.0 * i / runs);
            documents[i] = ResultJson.Serialize(
                SyntheticRun.Make(random, started, Platforms[i % Platforms.Length], "loc-" + (i % 100).ToString("D3", CultureInfo.InvariantCulture),
                    Channels[(i / 4) % 2], PingsPerRun, 20_000 + (random.NextDouble() * 40_000), sigma: 0.25),
                indented: false);
        }
        const int clients = 4;
        var (total, perRequest) = await HttpTiming.IngestAsync(http, documents, clients);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Ingest with rollups on, into the loaded store: {runs:N0} runs × {PingsPerRun} pings by {clients} concurrent HTTP clients in {total.TotalSeconds:F1} s: " +
            $"**{runs / total.TotalSeconds:F0} runs/s**; per-request p50 {perRequest.P50:F1} ms, p95 {perRequest.P95:F1} ms " +
            $"(each run: validation and recomputation of its statistics from the pings, the run row, 3 rollup rows (hour, day, week) read-merged-written, 200 pings by COPY).");
    }

    /// <summary>Times <paramref name="query"/> on two services, alternating request by request (A then B, B then A).</summary>
    private static async Task<(Timing Now, Timing Baseline)> TimeAsync(HttpClient http, HttpClient baselineHttp, string query, int count)
    {
        byte[] body = [], baselineBody = [];
        for (int i = 0; i < 2; i++)
        {
            body = await HttpTiming.GetAsync(http, query);
            baselineBody = await HttpTiming.GetAsync(baselineHttp, query);
        }
        var times = new double[count];
        var baselineTimes = new double[count];
        for (int i = 0; i < count; i++)
        {
            bool first = i % 2 == 0;
            (first ? times : baselineTimes)[i] = await HttpTiming.TimeGetAsync(first ? http : baselineHttp, query);
            (first ? baselineTimes : times)[i] = await HttpTiming.TimeGetAsync(first ? baselineHttp : http, query);
        }
        return (Summarise(times, body), Summarise(baselineTimes, baselineBody));
    }

    private static Timing Summarise(double[] times, byte[] body)
    {
        var latencies = Latencies.Of(times);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        int groups = root.TryGetProperty("groups", out var g) ? g.GetArrayLength()
            : root.GetProperty("series").EnumerateArray().Sum(s => s.GetProperty("points").GetArrayLength());
        string note = root.GetProperty("method_note").GetString()!;
        int at = note.IndexOf(" Source: ", StringComparison.Ordinal);
        note = at < 0 ? "" : note[(at + 9)..];
        int semicolon = note.IndexOf(';', StringComparison.Ordinal);
        return new Timing(latencies.P50, latencies.P95, latencies.Max, groups, semicolon < 0 ? note : note[..semicolon]);
    }

    private readonly record struct Timing(double P50, double P95, double Max, int Groups, string Note);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 3600 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;
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
        if (BenchArgs.Read(args, "--postgres", "--locations", "--interval-min", "--days", "--queries", "--ingest-runs", "--keep", "--reuse") is not { } a)
        {
            return 2;
        }

        string? postgres = a.String("--postgres") ?? Environment.GetEnvironmentVariable("RTCBENCH_BENCH_POSTGRES");
        int locations = a.Int("--locations", 100), intervalMin = a.Int("--interval-min", 15), days = a.Int("--days", 365);
        int queries = a.Int("--queries", 20), ingestRuns = a.Int("--ingest-runs", 3000);
        string? reuse = a.String("--reuse");
        bool keep = a.String("--keep") == "yes";
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
            $"- fleet: {locations} locations × {Platforms.Length} platforms × {Channels.Length} channels = {series:N0} series, one run every {intervalMin} min for {days} days = **{total:N0} runs** (the issue's fleet, ~28,000 runs a day and ~10 M a year over 800 series, is `--locations 100 --interval-min 40 --days 365`: 10.5 M runs; every 15 min would be 28 M)");
        report.AppendLine("- runs bulk-loaded by binary COPY with statistics and histograms of 200-ping runs (256 templates cycled); raw pings for the last day only; rollups then rebuilt from the runs (`RebuildRollupsAsync`, as `rtcbench db rebuild-rollups`)");
        report.AppendLine("- the 2-core VM is shared with other work: treat differences under ~20% as noise");
        report.AppendLine();

        // --keep yes leaves the loaded database behind (its name on stderr); --reuse NAME measures one left behind by a
        // run with the same fleet options, without loading it again (for working on the queries).
        string database = reuse ?? "fleet_" + Guid.NewGuid().ToString("N")[..12];
        if (reuse is null)
        {
            await ExecuteAsync(postgres, $"CREATE DATABASE {database};");
        }
        Console.Error.WriteLine($"fleet-scale: database {database}");
        string connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database, MaxPoolSize = 20, CommandTimeout = 3600 }.ConnectionString;
        try
        {
            var store = new PostgresResultStore(connection);
            await using (store)
            {
                // On a store left by an earlier run (--reuse), this applies any newer migration: timed and reported.
                var migrate = Stopwatch.StartNew();
                var schema = await store.InitializeAsync(CancellationToken.None);
                migrate.Stop();
                var now = DateTimeOffset.UtcNow;
                if (reuse is null)
                {
                    var end = DateTimeOffset.UnixEpoch.AddTicks((now - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute);
                    var load = Stopwatch.StartNew();
                    long pings = await BulkLoadAsync(connection, locations, intervalMin, days, end);
                    load.Stop();
                    Console.Error.WriteLine($"fleet-scale: loaded {total:N0} runs in {load.Elapsed.TotalSeconds:F0} s; rebuilding rollups…");
                    var rebuild = Stopwatch.StartNew();
                    var rebuilt = await store.RebuildRollupsAsync(CancellationToken.None);
                    rebuild.Stop();
                    Console.Error.WriteLine($"fleet-scale: rebuilt rollups in {rebuild.Elapsed.TotalSeconds:F0} s; vacuum…");
                    await ExecuteAsync(connection, "VACUUM ANALYZE;");
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"Load: {total:N0} runs + {pings:N0} pings by COPY in {load.Elapsed.TotalSeconds:F0} s ({total / load.Elapsed.TotalSeconds:N0} runs/s). " +
                        $"Rollup rebuild from the runs (multi-row INSERTs): {rebuilt.HourRows:N0} hourly + {rebuilt.SixHourRows:N0} six-hour + {rebuilt.DayRows:N0} daily + {rebuilt.WeekRows:N0} weekly + {rebuilt.FourWeekRows:N0} four-week rows, then {rebuilt.AllLocationsRows:N0} rows across locations, in {rebuild.Elapsed.TotalSeconds:F0} s.");
                    report.AppendLine();
                    await DiskAsync(connection, total, pings, report);
                }
                else
                {
                    // The window ends now: the reused store's last runs are older than a fresh load's.
                    report.AppendLine(CultureInfo.InvariantCulture, $"(Measured on database {reuse}, loaded by an earlier run with the same options.)");
                    report.AppendLine();
                    if (schema.Applied.Count > 0)
                    {
                        report.AppendLine(CultureInfo.InvariantCulture,
                            $"Schema migration of this store from version {schema.FromVersion} to {schema.ToVersion} ({string.Join(", ", schema.Applied)}), one transaction: **{migrate.Elapsed.TotalSeconds:F0} s**; rows across locations now: {await CountAsync(connection, "rollups_all_locations"):N0}.");
                        report.AppendLine();
                    }
                    await DiskAsync(connection, await CountAsync(connection, "runs"), await CountAsync(connection, "pings"), report);
                }

                await using var server = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store);
                // The baseline: the same store and service as before this change: every grain, one grouped query, but
                // across locations the rows of every location merged (no rows pre-merged across locations), the pieces
                // read one after another and the groups' figures computed on one core.
                await using var daysServer = await ServerHost.StartAsync(
                    new ServerOptions
                    {
                        Listen = new IPEndPoint(IPAddress.Loopback, 0),
                        AllLocationsRollups = false,
                        ConcurrentAggregation = false,
                    },
                    store);
                using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                using var daysHttp = new HttpClient { BaseAddress = daysServer.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"Queries ({queries} timed requests each after 2 warm-up, interleaved request by request with the baseline: the same store and service as before this change: every rollup grain in one grouped query, but across locations the rows of every location merged, the pieces read one after another, the groups' figures on one core (this change: the rows pre-merged across locations when no location is filtered, the runs at the edges and the rollup pieces read at once, the figures over the cores); the window ends now, so its edges are partial hours read from the runs):");
                report.AppendLine();
                string loadBeforeQueries = DirectBenchmark.LoadAverage();
                report.AppendLine("| query | groups | p50 ms | p95 ms | max ms | baseline (before this change) p50 / p95 ms | p95 ratio | source (method_note) |");
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
                report.AppendLine(CultureInfo.InvariantCulture, $"Load average (1, 5, 15 min) before the queries: {loadBeforeQueries}; after: {DirectBenchmark.LoadAverage()}.");
                report.AppendLine();
                if (ingestRuns > 0)
                {
                    await IngestAsync(http, ingestRuns, now, report);
                    string loadBeforeIngest = DirectBenchmark.LoadAverage();
                    await IngestComparisonAsync(postgres, ingestRuns, now, report);
                    report.AppendLine(CultureInfo.InvariantCulture, $"Load average before the ingest comparison: {loadBeforeIngest}; after: {DirectBenchmark.LoadAverage()}.");
                    report.AppendLine();
                }
            }
        }
        finally
        {
            if (!keep)
            {
                await ExecuteAsync(postgres, $"DROP DATABASE {database} WITH (FORCE);");
            }
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

    private const int IngestClients = 4;

    /// <summary>Result documents of <paramref name="runs"/> runs of 200 pings started in the 45 minutes before <paramref name="now"/> − 5 min.</summary>
    private static string[] IngestDocuments(int runs, DateTimeOffset now, int seed)
    {
        var random = new Random(seed);
        var documents = new string[runs];
        for (int i = 0; i < runs; i++)
        {
            var started = now.AddMinutes(-50).AddSeconds(2700.0 * i / runs);
            documents[i] = ResultJson.Serialize(
                SyntheticRun.Make(random, started, Platforms[i % Platforms.Length], "loc-" + (i % 100).ToString("D3", CultureInfo.InvariantCulture),
                    Channels[(i / 4) % 2], PingsPerRun, 20_000 + (random.NextDouble() * 40_000), sigma: 0.25),
                indented: false);
        }
        return documents;
    }

    /// <summary>Posts documents [from, to) by <see cref="IngestClients"/> concurrent clients; per-request latencies into <paramref name="latencies"/>.</summary>
    private static async Task PostAllAsync(HttpClient http, string[] documents, int from, int to, double[] latencies)
    {
        int next = from - 1;
        await Task.WhenAll(Enumerable.Range(0, IngestClients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < to)
            {
                long start = Stopwatch.GetTimestamp();
                using var content = new StringContent(documents[i], Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/api/runs", content);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
    }

    private static async Task IngestAsync(HttpClient http, int runs, DateTimeOffset now, StringBuilder report)
    {
        var documents = IngestDocuments(runs, now, 4242);
        const int clients = IngestClients;
        var latencies = new double[runs];
        var total = Stopwatch.StartNew();
        await PostAllAsync(http, documents, 0, runs, latencies);
        total.Stop();
        Array.Sort(latencies);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Ingest with rollups on, into the loaded store: {runs:N0} runs × {PingsPerRun} pings by {clients} concurrent HTTP clients in {total.Elapsed.TotalSeconds:F1} s: " +
            $"**{runs / total.Elapsed.TotalSeconds:F0} runs/s**; per-request p50 {Percentile.Linear(latencies, 0.5):F1} ms, p95 {Percentile.Linear(latencies, 0.95):F1} ms " +
            $"(each run: validation and recomputation of its statistics from the pings; one transaction of three round trips: the id claimed and the run row written with its five rollup rows and the five rows of its platform × channel across locations created if missing and locked, the rows that existed written back merged with the 200 pings inserted from arrays, commit).");
        report.AppendLine();
    }

    /// <summary>
    /// Ingest into three fresh databases side by side, interleaved in blocks of <see cref="IngestBlock"/> runs (A, B,
    /// C, then B, C, A, …) so the machine's load falls on all three alike: (A) this store; (B) the same with rollup
    /// maintenance off (the cost of the rollups); (C) rollups on but without the rows across locations (migration 0009):
    /// the save before this change.
    /// </summary>
    private static async Task IngestComparisonAsync(string postgres, int runs, DateTimeOffset now, StringBuilder report)
    {
        string[] names = ["rollups on (this store)", "rollups off (baseline B)", "rollups on without the rows across locations: the save before this change (baseline C)"];
        var databases = new string[3];
        var stores = new PostgresResultStore[3];
        var servers = new RunningServer[3];
        var clients = new HttpClient[3];
        try
        {
            for (int v = 0; v < 3; v++)
            {
                databases[v] = "ingest_" + Guid.NewGuid().ToString("N")[..12];
                await ExecuteAsync(postgres, $"CREATE DATABASE {databases[v]};");
                string connection = new NpgsqlConnectionStringBuilder(postgres) { Database = databases[v], MaxPoolSize = 20 }.ConnectionString;
                stores[v] = new PostgresResultStore(connection) { MaintainRollups = v != 1, MaintainAllLocationsRollups = v != 2 };
                await stores[v].InitializeAsync(CancellationToken.None);
                servers[v] = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, stores[v]);
                clients[v] = new HttpClient { BaseAddress = servers[v].BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
            }
            var documents = new string[3][];
            var latencies = new double[3][];
            var elapsed = new TimeSpan[3];
            var cpu = new TimeSpan[3];
            for (int v = 0; v < 3; v++)
            {
                documents[v] = IngestDocuments(runs, now, 4243 + v);
                latencies[v] = new double[runs];
                // Warm-up: one run each (connections, JIT, the month's partitions).
                await PostAllAsync(clients[v], IngestDocuments(1, now.AddMinutes(-1), 99 + v), 0, 1, new double[1]);
            }
            using var process = Process.GetCurrentProcess();
            for (int block = 0, at = 0; at < runs; block++, at += IngestBlock)
            {
                int to = Math.Min(runs, at + IngestBlock);
                for (int k = 0; k < 3; k++)
                {
                    int v = (block + k) % 3;
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    long start = Stopwatch.GetTimestamp();
                    await PostAllAsync(clients[v], documents[v], at, to, latencies[v]);
                    elapsed[v] += Stopwatch.GetElapsedTime(start);
                    process.Refresh();
                    cpu[v] += process.TotalProcessorTime - cpuBefore;
                }
            }
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Ingest, same-run baselines: {runs:N0} runs × {PingsPerRun} pings into each of three fresh databases, {IngestClients} concurrent HTTP clients, interleaved in blocks of {IngestBlock} runs (rotating order):");
            report.AppendLine();
            report.AppendLine("| store | runs/s | ratio to A | request p50 ms | p95 ms | bench process CPU ms per run (client + service + driver) |");
            report.AppendLine("|---|---|---|---|---|---|");
            double rateA = runs / elapsed[0].TotalSeconds;
            for (int v = 0; v < 3; v++)
            {
                Array.Sort(latencies[v]);
                double rate = runs / elapsed[v].TotalSeconds;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {(char)('A' + v)}: {names[v]} | **{rate:F0}** | {rate / rateA:F2} | {Percentile.Linear(latencies[v], 0.5):F1} | {Percentile.Linear(latencies[v], 0.95):F1} | {cpu[v].TotalMilliseconds / runs:F2} |");
                Console.Error.WriteLine($"fleet-scale: ingest {names[v]}: {rate:F0} runs/s");
            }
            report.AppendLine();
        }
        finally
        {
            for (int v = 0; v < 3; v++)
            {
                clients[v]?.Dispose();
                if (servers[v] is not null)
                {
                    await servers[v].DisposeAsync();
                }
                if (stores[v] is not null)
                {
                    await stores[v].DisposeAsync();
                }
                if (databases[v] is not null)
                {
                    await ExecuteAsync(postgres, $"DROP DATABASE {databases[v]} WITH (FORCE);");
                }
            }
        }
    }

    private const int IngestBlock = 100;

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

    private static async Task<long> CountAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table};", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 3600 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

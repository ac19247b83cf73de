using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using RtcBench.Server;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Cli.Tests;

/// <summary>
/// <c>rtcbench runner --plan</c> on a fast schedule (every second) against a real agent process and a real results
/// service: both are killed and restarted while it runs, and every run it measured ends up stored. Synchronised on the
/// runner's own stderr lines (events), never on sleeps.
/// </summary>
public sealed partial class ScheduledRunnerTests : IDisposable
{
    private static readonly TimeSpan EventGuard = TimeSpan.FromMinutes(3);
    private readonly CliHarness _cli = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _measured = [];

    public ScheduledRunnerTests()
    {
        _cli.Environment["RTCBENCH_HOME"] = _cli.TempDir; // the spool
        _cli.OnStderrLine = line =>
        {
            if (MeasuredLine().Match(line) is { Success: true } m)
            {
                lock (_measured)
                {
                    _measured.Add(m.Groups["id"].Value);
                }
            }
            _lines.Writer.TryWrite(line);
        };
    }

    public void Dispose() => _cli.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reads the runner's stderr lines until one matches; returns it.</summary>
    private async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        using var guard = new CancellationTokenSource(EventGuard);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(guard.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the runner never said: {what}");
            throw;
        }
    }

    private static Task<RunningServer> StartServiceAsync(int port, SqliteResultStore store) =>
        ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, port) }, store);

    [Fact]
    public async Task Runner_AgentAndServiceKilledAndRestarted_EveryMeasuredRunIsStored()
    {
        int agentPort = FreePort(), servicePort = FreePort();
        string db = Path.Combine(_cli.TempDir, "service.db");
        string planFile = Path.Combine(_cli.TempDir, "plan.json");
        string statusFile = Path.Combine(_cli.TempDir, "status.json");
        await File.WriteAllTextAsync(planFile, $$"""
            {
              // every second, with up to 300 ms of jitter
              "agent": "http://127.0.0.1:{{agentPort}}",
              "store": "http://127.0.0.1:{{servicePort}}",
              "location": "runner-test",
              "jitter": "300ms",
              "jobs": [
                { "name": "fast", "schedule": "* * * * * *", "platforms": ["udp"], "count": 5, "interval": "5ms",
                  "warmup": 0, "deadline": "500ms", "thresholds": ["loss<=100%"] }
              ]
            }
            """);
        var agent = await AgentProcess.StartAsync($"127.0.0.1:{agentPort}");
        var store = new SqliteResultStore(db);
        var service = await StartServiceAsync(servicePort, store);
        try
        {
            var runner = _cli.RunAsync(TimeSpan.FromMinutes(10), "runner", "--plan", planFile, "--status-file", statusFile);

            await WaitForLineAsync(l => l.Contains("fast: delivered 1 run(s)", StringComparison.Ordinal), "a run delivered");

            // The service goes away: runs are spooled.
            await service.DisposeAsync();
            await WaitForLineAsync(l => l.Contains("fast: spooled 1 run(s)", StringComparison.Ordinal), "a run spooled");

            // The agent is killed: attempts fail, the runner carries on.
            await agent.KillAsync();
            await WaitForLineAsync(l => l.Contains("fast: failed: ", StringComparison.Ordinal), "an attempt failed with the agent gone");
            await agent.DisposeAsync();

            // Both come back on the same ports: measuring resumes, the spool drains, new runs are delivered again.
            agent = await AgentProcess.StartAsync($"127.0.0.1:{agentPort}");
            await WaitForLineAsync(l => MeasuredLine().IsMatch(l), "a run measured with the agent back");
            service = await StartServiceAsync(servicePort, store);
            await WaitForLineAsync(l => l.Contains("spooled run(s) to", StringComparison.Ordinal) && l.Contains("delivered", StringComparison.Ordinal), "the spool delivered");
            await WaitForLineAsync(l => l.Contains("fast: delivered 1 run(s)", StringComparison.Ordinal), "a new run delivered");

            _cli.Interrupts.Interrupt();
            var result = await runner;

            Assert.True(result.ExitCode == 0, result.Stderr);
            List<string> measured;
            lock (_measured)
            {
                measured = [.. _measured];
            }
            Assert.True(measured.Count >= 3, result.Stderr);
            foreach (string id in measured)
            {
                var stored = await store.GetRunAsync(id, includePings: false, CancellationToken.None);
                Assert.True(stored is not null, $"run {id} was measured but is not stored:\n{result.Stderr}");
                Assert.Equal("runner-test", stored!.Location);
            }
            Assert.Empty(Directory.GetFiles(Path.Combine(_cli.TempDir, "spool"), "*.json"));

            using var status = JsonDocument.Parse(await File.ReadAllTextAsync(statusFile));
            var root = status.RootElement;
            Assert.Equal("stopped", root.GetProperty("state").GetString());
            Assert.Equal(0, root.GetProperty("spool_pending").GetInt32());
            var job = root.GetProperty("jobs")[0];
            Assert.Equal("fast", job.GetProperty("name").GetString());
            Assert.Equal(measured.Count, job.GetProperty("runs_measured").GetInt32());
            Assert.True(job.GetProperty("failures").GetInt32() >= 1);
            Assert.True(job.GetProperty("attempts").GetInt32() >= measured.Count + 1);
            Assert.Equal(0, job.GetProperty("last_run").GetProperty("thresholds_failed").GetInt32());
        }
        finally
        {
            await service.DisposeAsync();
            await agent.DisposeAsync();
            await store.DisposeAsync();
        }
    }

    /// <summary>
    /// The runner reports its spool to the service it posts to, and the status file and the service's /metrics show
    /// one reading: first with the service down (runs spool), then up over a store that cannot be opened (it answers
    /// 503 to runs but takes the reports), then up with its store (a `run` drains the spool and reports it empty).
    /// </summary>
    [Fact]
    public async Task Runner_ServiceDownThenUp_ReportsItsSpoolToMetricsAsItsStatusFileShowsIt()
    {
        const string runnerId = "runner-spool-test";
        const string labels = $"runner=\"{runnerId}\",location=\"spool-test\"";
        _cli.Environment["RTCBENCH_RUNNER_ID"] = runnerId;
        int agentPort = FreePort(), servicePort = FreePort();
        string planFile = Path.Combine(_cli.TempDir, "plan.json");
        string statusFile = Path.Combine(_cli.TempDir, "status.json");
        string notADatabase = Directory.CreateDirectory(Path.Combine(_cli.TempDir, "not-a-database")).FullName;
        await File.WriteAllTextAsync(planFile, $$"""
            {
              "agent": "http://127.0.0.1:{{agentPort}}",
              "store": "http://127.0.0.1:{{servicePort}}",
              "location": "spool-test",
              "jobs": [ { "name": "fast", "schedule": "* * * * * *", "platforms": ["udp"], "count": 5,
                          "interval": "5ms", "warmup": 0, "deadline": "500ms" } ]
            }
            """);
        await using var agent = await AgentProcess.StartAsync($"127.0.0.1:{agentPort}");
        var brokenStore = new SqliteResultStore(notADatabase);
        RunningServer? service = null;
        var store = new SqliteResultStore(Path.Combine(_cli.TempDir, "service.db"));
        try
        {
            var runner = _cli.RunAsync(TimeSpan.FromMinutes(10), "runner", "--plan", planFile, "--status-file", statusFile);
            await WaitForLineAsync(l => l.Contains("fast: spooled 1 run(s)", StringComparison.Ordinal), "a run spooled with the service down");

            // Up, but its store cannot be opened: runs are refused with 503 and stay spooled; reports are taken.
            service = await StartServiceAsync(servicePort, brokenStore);
            await WaitForLineAsync(l => l.Contains("unavailable (503 ", StringComparison.Ordinal), "a run refused with 503");
            await WaitForLineAsync(l => l.Contains("fast: spooled 1 run(s)", StringComparison.Ordinal), "the refused run spooled");
            _cli.Interrupts.Interrupt();
            var result = await runner;
            Assert.True(result.ExitCode == 0, result.Stderr);

            // The last reading went both to the status file and to the service.
            using var status = JsonDocument.Parse(await File.ReadAllTextAsync(statusFile));
            var root = status.RootElement;
            int pending = root.GetProperty("spool_pending").GetInt32();
            Assert.True(pending >= 2, result.Stderr);
            Assert.Equal(pending, Directory.GetFiles(Path.Combine(_cli.TempDir, "spool"), "*.json").Length);
            Assert.Equal(runnerId, root.GetProperty("runner_id").GetString());
            Assert.Equal(JsonValueKind.String, root.GetProperty("reported_at").ValueKind);
            double statusAge = root.GetProperty("spool_oldest_age_seconds").GetDouble();
            Assert.True(statusAge > 0);
            var metrics = await ScrapeAsync(service.BaseUrl);
            Assert.Equal(pending, metrics.Value("rtcbench_runner_spool_pending", labels));
            Assert.Equal(root.GetProperty("spool_bytes").GetInt64(), metrics.Value("rtcbench_runner_spool_bytes", labels));
            Assert.Equal(root.GetProperty("spool_rejected").GetInt32(), metrics.Value("rtcbench_runner_spool_rejected", labels));
            Assert.True(metrics.Value("rtcbench_runner_spool_oldest_age_seconds", labels) >= statusAge);   // it ages at the service
            Assert.Equal(0, metrics.Value("rtcbench_store_up"));

            // The service and its store are back: a `run` drains the spool, delivers its own run, reports the spool empty.
            await service.DisposeAsync();
            service = await StartServiceAsync(servicePort, store);
            using var second = new CliHarness();   // the first one's interrupt stays raised
            second.Environment["RTCBENCH_HOME"] = _cli.TempDir;
            second.Environment["RTCBENCH_RUNNER_ID"] = runnerId;
            var run = await second.RunAsync("run", "--agent", $"http://127.0.0.1:{agentPort}", "--count", "5", "--warmup", "0",
                "--interval", "5ms", "--quiet", "--location", "spool-test", "--store", $"http://127.0.0.1:{servicePort}");
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}{run.Stdout}");
            Assert.Contains($"delivered {pending} spooled run(s)", run.Stderr, StringComparison.Ordinal);
            metrics = await ScrapeAsync(service.BaseUrl);
            Assert.Equal(0, metrics.Value("rtcbench_runner_spool_pending", labels));
            Assert.Equal(0, metrics.Value("rtcbench_runner_spool_oldest_age_seconds", labels));
            Assert.Equal(0, metrics.Value("rtcbench_runner_spool_bytes", labels));
            Assert.Equal(pending + 1, metrics.Value("rtcbench_runs_ingested_total"));
            List<string> measured;
            lock (_measured)
            {
                measured = [.. _measured];
            }
            foreach (string id in measured)
            {
                Assert.NotNull(await store.GetRunAsync(id, includePings: false, CancellationToken.None));
            }
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
            await brokenStore.DisposeAsync();
            await store.DisposeAsync();
        }
    }

    private static async Task<RtcBench.Tests.Shared.PrometheusText> ScrapeAsync(Uri service)
    {
        using var http = new HttpClient { BaseAddress = service };
        return new RtcBench.Tests.Shared.PrometheusText(await http.GetStringAsync("/metrics"));
    }

    [Theory]
    [InlineData("""{ "jobs": [] }""", "the plan has no jobs")]
    [InlineData("""{ "agent": "http://127.0.0.1:1", "store": "http://127.0.0.1:2", "jobs": [ { "schedule": "every minute" } ] }""", "jobs[0].schedule: 'every minute' is not a cron expression")]
    [InlineData("""{ "agent": "http://127.0.0.1:1", "store": "http://127.0.0.1:2", "jobs": [ { "schedule": "* * * * *", "platforms": ["zoom"] } ] }""", "jobs[0].platforms: 'zoom' is not a platform")]
    [InlineData("""{ "agent": "http://127.0.0.1:1", "store": "http://127.0.0.1:2", "jobs": [ { "schedule": "* * * * *", "thresholds": ["p95<50"] } ] }""", "jobs[0].thresholds: 'p95<50': '50' has no unit")]
    [InlineData("""{ "agent": "http://127.0.0.1:1", "store": "http://127.0.0.1:2", "jobs": [ { "schedule": "* * * * *", "cuont": 5 } ] }""", "not a valid plan")]
    [InlineData("""{ "agent": "http://127.0.0.1:1", "store": "sqlite:x.db", "jobs": [ { "schedule": "* * * * *" } ] }""", "store: 'sqlite:x.db' is not a results service URL")]
    public async Task Runner_BadPlan_ClearLinesAndExit2(string plan, string expected)
    {
        string planFile = Path.Combine(_cli.TempDir, "plan.json");
        await File.WriteAllTextAsync(planFile, plan);

        var result = await _cli.RunAsync("runner", "--plan", planFile);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"fast: measured run (?<id>[0-9a-f]{32}) ")]
    private static partial Regex MeasuredLine();
}

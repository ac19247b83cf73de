using System.Net;
using System.Net.Sockets;
using RtcBench.Core.Results;
using RtcBench.Server;
using RtcBench.Storage;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Cli.Tests;

/// <summary>
/// Runs delivered to a results service with <c>--store http://…</c>: spooled when the service is down, re-sent by
/// <c>rtcbench push</c> and by the next run, each stored exactly once.
/// </summary>
public sealed class DeliveryTests : IDisposable
{
    private const string Token = "delivery-token-0123456789";

    private readonly CliHarness _cli = new();

    public DeliveryTests()
    {
        _cli.Environment["RTCBENCH_HOME"] = _cli.TempDir;
    }

    private string SpoolDirectory => Path.Combine(_cli.TempDir, "spool");

    private string[] Spooled() =>
        Directory.Exists(SpoolDirectory) ? Directory.GetFiles(SpoolDirectory, "*.json") : [];

    public void Dispose() => _cli.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<CliResult> RunAsync(string agentUrl, string storeUrl, params string[] extra) =>
        _cli.RunAsync(["run", "--agent", agentUrl, "--count", "5", "--warmup", "0", "--interval", "5ms", "--quiet",
            "--store", storeUrl, .. extra]);

    private static async Task<(RunningServer Server, SqliteResultStore Store)> StartServiceAsync(int port, string dbPath)
    {
        var store = new SqliteResultStore(dbPath);
        var server = await ServerHost.StartAsync(
            new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, port), IngestToken = Token }, store);
        return (server, store);
    }

    [Fact]
    public async Task Quickstart_ResultsServiceStore_EndsWithTheDashboardUrl()
    {
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        _cli.Environment["RTCBENCH_STORE_TOKEN"] = Token;
        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var result = await _cli.RunAsync("quickstart", "--count", "5", "--warmup", "0", "--interval", "5ms", "--store", url);

            Assert.True(result.ExitCode == ExitCodes.Ok, result.Stderr);
            Assert.EndsWith($"rtcbench: dashboard: {url}/ (the results service's page: every platform, location and run)",
                result.Stderr.TrimEnd(), StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Contains("<title>RtcBench", await http.GetStringAsync("/"), StringComparison.Ordinal);
            // quickstart reported its (empty) spool under the host's name.
            var metrics = new RtcBench.Tests.Shared.PrometheusText(await http.GetStringAsync("/metrics"));
            Assert.Equal(1, metrics.Value("rtcbench_runners_tracked"));
            Assert.Equal(0, metrics.Value("rtcbench_runner_spool_pending", $"runner=\"{Environment.MachineName}\",location=\"none\""));
        }
    }

    [Fact]
    public async Task Run_ServiceDown_SpooledThenPushDeliversExactlyOnce()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        _cli.Environment["RTCBENCH_STORE_TOKEN"] = Token;

        var run = await RunAsync(agent.BaseUrl.ToString(), url, "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var spooled = Assert.Single(Spooled());
        var document = ResultJson.Deserialize(await File.ReadAllTextAsync(spooled));
        Assert.Equal(ResultJson.Deserialize(run.Stdout.Trim()).RunId, document.RunId);

        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var push = await _cli.RunAsync("push", "--store", url);
            var again = await _cli.RunAsync("push", "--store", url);

            Assert.True(push.ExitCode == ExitCodes.Ok, push.Stderr);
            Assert.Contains("delivered 1 spooled run(s)", push.Stderr, StringComparison.Ordinal);
            Assert.Empty(Spooled());
            // push reported the emptied spool under the host's name (no $RTCBENCH_RUNNER_ID).
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var metrics = new RtcBench.Tests.Shared.PrometheusText(await http.GetStringAsync("/metrics"));
            Assert.Equal(0, metrics.Value("rtcbench_runner_spool_pending", $"runner=\"{Environment.MachineName}\",location=\"none\""));
            Assert.Contains("nothing to push", again.Stderr, StringComparison.Ordinal);
            var page = await store.ListRunsAsync(new RunQuery(), CancellationToken.None);
            Assert.Equal(document.RunId, Assert.Single(page.Items).RunId);
        }
    }

    [Fact]
    public async Task Run_RunnerIdTheServiceRefuses_WarnsWithTheFieldAndStillDelivers()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        _cli.Environment["RTCBENCH_STORE_TOKEN"] = Token;
        _cli.Environment["RTCBENCH_RUNNER_ID"] = "no spaces allowed";
        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var run = await RunAsync(agent.BaseUrl.ToString(), url);

            Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
            Assert.Contains($"rtcbench: warning: {url}/ refused this runner's spool report: 400 runner_id: 'no spaces allowed' may hold only", run.Stderr, StringComparison.Ordinal);
            Assert.Equal(1, (await store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Total);
        }
    }

    [Fact]
    public async Task Push_RunAlreadyDelivered_DeletedFromSpoolWithoutDuplicate()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        _cli.Environment["RTCBENCH_STORE_TOKEN"] = Token;
        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var run = await RunAsync(agent.BaseUrl.ToString(), url, "--json");
            Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
            Assert.Empty(Spooled());
            // A crash after the service's 2xx but before the spool file was deleted: the same run is spooled again.
            new Storage.Delivery.ResultSpool(SpoolDirectory).Add(ResultJson.Deserialize(run.Stdout.Trim()));

            var push = await _cli.RunAsync("push", "--store", url);

            Assert.True(push.ExitCode == ExitCodes.Ok, push.Stderr);
            Assert.Empty(Spooled());
            Assert.Equal(1, (await store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Total);
        }
    }

    [Fact]
    public async Task Push_DifferentRunUnderAStoredId_409ReportedSetAsideAndNotRetried()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        _cli.Environment["RTCBENCH_STORE_TOKEN"] = Token;
        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var run = await RunAsync(agent.BaseUrl.ToString(), url, "--json");
            Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
            var delivered = ResultJson.Deserialize(run.Stdout.Trim());
            // Another document under the same id (here: another location), as a buggy or tampering producer would send.
            new Storage.Delivery.ResultSpool(SpoolDirectory).Add(delivered with { Location = "somewhere-else" });

            var push = await _cli.RunAsync("push", "--store", url);
            var again = await _cli.RunAsync("push", "--store", url);

            Assert.Equal(ExitCodes.StoreFailed, push.ExitCode);
            Assert.Contains($"409 run_id: run {delivered.RunId} is already stored with different content (first difference: location)", push.Stderr, StringComparison.Ordinal);
            Assert.Contains("(it is not re-sent)", push.Stderr, StringComparison.Ordinal);
            Assert.Empty(Spooled());
            Assert.Single(Directory.GetFiles(Path.Combine(SpoolDirectory, "rejected"), "*.json"));
            Assert.Equal(ExitCodes.Ok, again.ExitCode);
            Assert.Contains("nothing to push", again.Stderr, StringComparison.Ordinal);
            var stored = await store.GetRunAsync(delivered.RunId, includePings: false, CancellationToken.None);
            Assert.Null(stored!.Location);
        }
    }

    [Fact]
    public async Task Run_AfterOutage_NextRunSendsSpoolFirst()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        _cli.Environment["RTCBENCH_STORE_TOKEN"] = Token;
        var down = await RunAsync(agent.BaseUrl.ToString(), url);
        Assert.True(down.ExitCode == ExitCodes.Ok, down.Stderr);
        Assert.Single(Spooled());

        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var up = await RunAsync(agent.BaseUrl.ToString(), url);

            Assert.True(up.ExitCode == ExitCodes.Ok, up.Stderr);
            Assert.Empty(Spooled());
            Assert.Equal(2, (await store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Total);
        }
    }

    [Fact]
    public async Task Run_WrongToken_ExitsStoreFailedKeepsRunSpooledAndNeverPrintsToken()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        var (server, store) = await StartServiceAsync(port, Path.Combine(_cli.TempDir, "service.db"));
        await using (store)
        await using (server)
        {
            var run = await RunAsync(agent.BaseUrl.ToString(), url, "--store-token", "wrong-token-abcdefgh");

            Assert.Equal(ExitCodes.StoreFailed, run.ExitCode);
            Assert.Contains("401", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-token-abcdefgh", run.Stderr, StringComparison.Ordinal);
            Assert.Single(Spooled());
            Assert.Equal(0, (await store.ListRunsAsync(new RunQuery(), CancellationToken.None)).Total);
        }
    }

    [Fact]
    public async Task Serve_BeyondLoopbackWithoutToken_UsageError()
    {
        var result = await _cli.RunAsync("serve", "--listen", "0.0.0.0:0", "--store", _cli.StoreSpec);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("without an ingest token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_NoUrl_UsageError()
    {
        var result = await _cli.RunAsync("push");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }
}

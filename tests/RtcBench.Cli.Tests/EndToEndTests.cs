using System.Net.Http.Json;
using System.Text.Json;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Core.Results;
using RtcBench.Storage;

namespace RtcBench.Cli.Tests;

/// <summary>
/// The runnable core end to end: the real agent (Kestrel + UDP echo) and the real `rtcbench run` over loopback
/// UDP, results stored in a real SQLite file and read back.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static RunResult SingleResult(CliResult result)
    {
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one JSON line on stdout, got:\n{result.Stdout}\nstderr:\n{result.Stderr}");
        return ResultJson.Deserialize(lines[0]);
    }

    [Fact]
    public async Task Run_200PingsOverLoopbackUdp_NoneLostAndEveryPingStoredAndReadBackEqual()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp",
            "--count", "200", "--interval", "5ms", "--warmup", "10", "--store", _cli.StoreSpec, "--json", "--quiet",
            "--location", "test-lab");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var run = SingleResult(result);
        Assert.Equal("udp", run.Platform);
        Assert.Equal("ok", run.Outcome.Status);
        Assert.Equal(210, run.Pings.Count);
        Assert.Equal(200, run.Stats.Sent);
        Assert.Equal(200, run.Stats.Ok);
        Assert.Equal(0, run.Stats.Lost);
        Assert.Equal(10, run.Stats.Warmup);
        Assert.Equal(200, run.Histogram.Count);
        Assert.NotNull(run.Stats.Rtt);
        Assert.True(run.Stats.Rtt!.P50Us > 0);
        Assert.All(run.Pings, p => Assert.True(p.RttUs > 0 && p.NetRttUs > 0 && p.NetRttUs <= p.RttUs));

        await using var store = ResultStoreFactory.Open(_cli.StoreSpec);
        var stored = await store.GetRunAsync(run.RunId, includePings: true, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(run.Pings, stored!.Pings);
        Assert.Equal(run.Stats, stored.Stats);
        Assert.Equal(run.Histogram, stored.Histogram);
        Assert.Equal(run.StartedAt, stored.StartedAt);
        Assert.Equal("test-lab", stored.Location);

        // The room was closed at the end of the run.
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        var rooms = await http.GetFromJsonAsync<JsonElement>("rooms");
        Assert.Equal(0, rooms.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task Run_AgentDropsEveryTenthPing_ExactlyThosePingsAreLost()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.Faults = new EchoFaults { DropEvery = 10 });

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "100",
            "--interval", "5ms", "--warmup", "10", "--deadline", "500ms", "--no-store", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var run = SingleResult(result);
        // seq 9, 19, ..., 109 are dropped; seq 9 is a warm-up ping and stays "warmup".
        var expectedLost = Enumerable.Range(1, 10).Select(k => (long)(10 * k + 9)).ToList();
        var lost = run.Pings.Where(p => p.Status == "lost").Select(p => p.Seq).ToList();
        Assert.Equal(expectedLost, lost);
        Assert.Equal(10, run.Stats.Lost);
        Assert.Equal(90, run.Stats.Ok);
        Assert.Equal(0.1, run.Stats.LossRate, 12);
        Assert.All(run.Pings.Where(p => p.Status == "lost"), p => Assert.Null(p.RttUs));
    }

    [Fact]
    public async Task Run_AgentDelaysSomePongsPastTheDeadline_ThosePingsAreLate()
    {
        var delayed = new HashSet<long> { 15, 27, 42 };
        await using var agent = await CliHarness.StartAgentAsync(o => o.Faults = new EchoFaults
        {
            Delay = seq => delayed.Contains(seq),
            DelayBy = TimeSpan.FromMilliseconds(1500),
        });

        // Real time end to end, so the margins are wide: an on-time pong has a whole second (4× the 250 ms this test
        // used to allow a loaded machine), and the late window (last send + 2 × deadline) closes ~0.5 s after the last
        // delayed pong is due.
        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "50",
            "--interval", "5ms", "--warmup", "5", "--deadline", "1s", "--no-store", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var run = SingleResult(result);
        var late = run.Pings.Where(p => p.Status == "late").ToList();
        Assert.True(delayed.Order().SequenceEqual(late.Select(p => p.Seq)),
            "statuses of delayed pings: " + string.Join(", ", delayed.Order().Select(s => $"{s}={run.Pings[(int)s].Status}/{run.Pings[(int)s].RttUs}")));
        // Held back 1.5 s by the agent (its timer may fire a millisecond early): far past the 1 s deadline.
        Assert.All(late, p => Assert.True(p.RttUs >= 1_490_000, $"late ping {p.Seq} rtt {p.RttUs}"));
        Assert.Equal(3, run.Stats.Late);
        Assert.Equal(47, run.Stats.Ok);
        Assert.Equal(0, run.Stats.Lost);
        // Late pongs never enter the latency statistics.
        Assert.True(run.Stats.Rtt!.MaxUs < 1_000_000);
    }

    [Fact]
    public async Task Run_InterruptedMidRun_KeepsPartialResultStoresItAndClosesTheRoom()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        var running = _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "100000",
            "--interval", "2ms", "--warmup", "0", "--store", _cli.StoreSpec, "--json");

        // Interrupt once the run is visibly under way: wait for the agent to have echoed pings.
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var health = await http.GetFromJsonAsync<JsonElement>("health");
            // "echoed" also counts readiness probes, so wait for comfortably more than 50 pings.
            if (health.GetProperty("udp").GetProperty("echoed").GetInt64() > 60)
            {
                break;
            }

            Assert.False(running.IsCompleted, "the run ended before it was interrupted");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), "no pings echoed (a hang guard only)");
            await Task.Delay(10); // Polling interval of the agent's counter, not a synchronisation sleep.
        }
        _cli.Interrupts.Interrupt();
        var result = await running;

        Assert.Equal(ExitCodes.Interrupted, result.ExitCode);
        var run = SingleResult(result);
        Assert.Equal("partial", run.Outcome.Status);
        Assert.Equal("interrupted", run.Outcome.Reason);
        Assert.True(run.Stats.Ok > 50, $"ok={run.Stats.Ok} lost={run.Stats.Lost} warmup={run.Stats.Warmup} notsent={run.Stats.NotSent}");
        Assert.Equal(0, run.Stats.Lost);
        Assert.True(run.Stats.NotSent > 0);
        await using var store = ResultStoreFactory.Open(_cli.StoreSpec);
        Assert.NotNull(await store.GetRunAsync(run.RunId, includePings: false, CancellationToken.None));
        var rooms = await http.GetFromJsonAsync<JsonElement>("rooms");
        Assert.Equal(0, rooms.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task Quickstart_DefaultsShortened_PrintsTableAndStoresTheRun()
    {
        var result = await _cli.RunAsync("quickstart", "--count", "20", "--interval", "5ms", "--store", _cli.StoreSpec);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("RtcBench results", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("RTT p50", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("started a local echo agent", result.Stderr, StringComparison.Ordinal);

        var list = await _cli.RunAsync("results", "list", "--store", _cli.StoreSpec, "--json");
        Assert.Equal(0, list.ExitCode);
        using var page = JsonDocument.Parse(list.Stdout);
        // quickstart measures udp (one channel) and direct (reliable and lossy).
        Assert.Equal(3, page.RootElement.GetProperty("total").GetInt64());
        string runId = page.RootElement.GetProperty("items")[0].GetProperty("run_id").GetString()!;

        var show = await _cli.RunAsync("results", "show", runId, "--store", _cli.StoreSpec, "--pings");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains(runId, show.Stdout, StringComparison.Ordinal);
        Assert.Contains("warmup", show.Stdout, StringComparison.Ordinal);
    }
}

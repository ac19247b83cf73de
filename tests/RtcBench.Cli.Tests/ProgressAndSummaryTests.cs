using System.Text.RegularExpressions;

namespace RtcBench.Cli.Tests;

/// <summary>
/// What a user sees during and after a real run (real agent, loopback UDP): progress lines on stderr with live p50,
/// loss and time left, and a results table that says where the runner and the agent were.
/// </summary>
public sealed class ProgressAndSummaryTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_NotATerminal_ProgressLinesShowLiveP50LossAndTimeLeftOnStderr()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        // 60 pings 100 ms apart: the run lasts at least 6 s of schedule, so at least one 5-second progress line.
        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "60", "--warmup", "0",
            "--interval", "100ms", "--deadline", "1s", "--no-store", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var progress = result.Stderr.Split('\n').Where(l => l.StartsWith("rtcbench: udp/lossy ", StringComparison.Ordinal) && l.Contains("sent)", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.True(progress.Count <= 2, result.Stderr); // 6 s of run: a line per 5 s at most
        Assert.All(progress, l => Assert.Matches(new Regex(@"p50 [0-9]+\.[0-9]{3} ms, lost 0 \(0\.0%\), (\d+s left|last answers)$"), l));
        Assert.Contains("rtcbench: udp/lossy done: 60 ok, 0 lost, 0 late, p50 ", result.Stderr, StringComparison.Ordinal);
        // stdout is the JSON document alone
        Assert.Equal("rtcbench.run/1", System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public async Task Run_WithLocation_ResultsTableShowsRunnerAndAgentLocations()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.Location = "agent-lab");

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "5", "--warmup", "0",
            "--interval", "5ms", "--no-store", "--quiet", "--location", "eu-west-1", "--lat", "53.35", "--lon", "-6.26");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var location = result.Stdout.Split('\n').Single(l => l.Contains("│ location ", StringComparison.Ordinal));
        Assert.Contains("eu-west-1 (53.35, -6.26)", location, StringComparison.Ordinal);
        var agentLocation = result.Stdout.Split('\n').Single(l => l.Contains("│ agent location ", StringComparison.Ordinal));
        Assert.Contains("agent-lab", agentLocation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutLocation_TableSaysNoneWasSet()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "3", "--warmup", "0",
            "--interval", "5ms", "--no-store", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var location = result.Stdout.Split('\n').Single(l => l.Contains("│ location ", StringComparison.Ordinal));
        Assert.Matches(new Regex(@"│ location\s+│\s+- │"), location);
    }
}

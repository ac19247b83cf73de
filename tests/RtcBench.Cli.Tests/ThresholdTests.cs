using System.Text.Json;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Cli.Thresholds;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Tests;

/// <summary>
/// --threshold end to end: the real CLI against a real agent over loopback. Limits are chosen so the verdict follows
/// from the run's construction, not from how fast the machine is: an ok ping's RTT never exceeds --deadline, and an
/// agent that drops every tenth ping gives exactly 10% loss.
/// </summary>
public sealed class ThresholdTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("p95<50ms", null, null, "P95", "Less", 50_000)]
    [InlineData(" loss <= 1.5% ", null, null, "Loss", "LessOrEqual", 0.015)]
    [InlineData("direct:reliable:p99<5ms", "direct", "reliable", "P99", "Less", 5_000)]
    [InlineData("lossy:late>=0%", null, "lossy", "Late", "GreaterOrEqual", 0)]
    [InlineData("UDP:P99.9>250us", "udp", null, "P999", "Greater", 250)]
    [InlineData("janus:jitter<1.5s", "janus", null, "Jitter", "Less", 1_500_000)]
    public void Parse_ValidRule_ScopeMetricOperatorAndLimitInMicrosecondsOrFraction(
        string text, string? platform, string? channel, string metric, string op, double limit)
    {
        Assert.True(ThresholdParser.TryParse(text, out var t, out string error), error);
        Assert.Equal(platform, t.Platform);
        Assert.Equal(channel, t.Channel);
        Assert.Equal(metric, t.Metric.ToString());
        Assert.Equal(op, t.Operator.ToString());
        Assert.Equal(limit, t.Limit, 9);
        Assert.Equal(text.Trim(), t.Text);
    }

    [Fact]
    public async Task Run_ThresholdsThatHoldByConstruction_PassLinesInSummaryAndExit0()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp",
            "--count", "50", "--interval", "5ms", "--deadline", "1s", "--no-store", "--quiet",
            "--threshold", "p95<=1s", "--threshold", "udp:lossy:loss<=0%");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Matches(@"pass  p95<=1s\s+udp/lossy\s+p95 = \d+\.\d{3} ms", result.Stdout);
        Assert.Matches(@"pass  udp:lossy:loss<=0%\s+udp/lossy\s+loss = 0\.0%", result.Stdout);
        Assert.Contains("All 2 threshold check(s) passed.", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("threshold", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LatencyThresholdThatCannotHold_FailLineJsonVerdictAndExit9()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        // No ok ping's RTT exceeds the 1 s deadline, so p50 > 2s cannot hold.
        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp",
            "--count", "50", "--interval", "5ms", "--deadline", "1s", "--store", _cli.StoreSpec, "--json", "--quiet",
            "--threshold", "p50>2s", "--threshold", "loss<1%");

        Assert.Equal(ExitCodes.ThresholdFailed, result.ExitCode);
        Assert.Contains("rtcbench: error: threshold p50>2s failed on udp/lossy: p50 = ", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("threshold", StringComparison.Ordinal));
        string line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var run = ResultJson.Deserialize(line); // still a result document
        Assert.Equal(50, run.Stats.Ok);
        var verdicts = JsonDocument.Parse(line).RootElement.GetProperty("thresholds").EnumerateArray().ToList();
        Assert.Equal(2, verdicts.Count);
        Assert.Equal("p50>2s", verdicts[0].GetProperty("threshold").GetString());
        Assert.False(verdicts[0].GetProperty("passed").GetBoolean());
        Assert.Equal(2_000_000, verdicts[0].GetProperty("limit").GetDouble());
        Assert.Equal(run.Stats.Rtt!.P50Us, verdicts[0].GetProperty("value").GetDouble());
        Assert.Equal(run.RunId, verdicts[0].GetProperty("run_id").GetString());
        Assert.True(verdicts[1].GetProperty("passed").GetBoolean());
        Assert.Equal(0, verdicts[1].GetProperty("value").GetDouble());

        // A failed threshold is a verdict, not a failed measurement: the run is stored all the same, without verdicts.
        var list = await _cli.RunAsync("results", "list", "--store", _cli.StoreSpec);
        Assert.Contains(run.RunId[..8], list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LossOverBudget_FailsAndAnEqualBudgetPasses()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.Faults = new EchoFaults { DropEvery = 10 });

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "100",
            "--interval", "5ms", "--warmup", "10", "--deadline", "500ms", "--no-store", "--quiet",
            "--threshold", "loss<5%", "--threshold", "loss<=10%");

        Assert.Equal(ExitCodes.ThresholdFailed, result.ExitCode);
        Assert.Matches(@"FAIL  loss<5%\s+udp/lossy\s+loss = 10\.0%", result.Stdout);
        Assert.Matches(@"pass  loss<=10%\s+udp/lossy\s+loss = 10\.0%", result.Stdout);
        Assert.Contains("1 of 2 threshold check(s) failed.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ThresholdScopedToAPlatformNotMeasured_FailsAsMatchingNoRun()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp",
            "--count", "20", "--interval", "5ms", "--no-store", "--quiet", "--threshold", "udp:reliable:p95<10s");

        Assert.Equal(ExitCodes.ThresholdFailed, result.ExitCode);
        Assert.Contains("rtcbench: error: threshold udp:reliable:p95<10s failed: it matched no run", result.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"FAIL  udp:reliable:p95<10s\s+-\s+matched no run", result.Stdout);
    }

    [Fact]
    public async Task Quickstart_ScopedThresholds_JudgedPerPlatformAndChannel()
    {
        var result = await _cli.RunAsync("quickstart", "--count", "30", "--interval", "5ms", "--deadline", "1s",
            "--no-store", "--quiet", "--json", "--threshold", "direct:reliable:p99<=1s", "--threshold", "lossy:p50>2s");

        // direct/reliable passes; the lossy one fails on both lossy runs (udp and direct).
        Assert.Equal(ExitCodes.ThresholdFailed, result.ExitCode);
        var docs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, docs.Count);
        foreach (var doc in docs)
        {
            string scope = doc.GetProperty("platform").GetString() + "/" + doc.GetProperty("channel").GetString();
            var verdicts = doc.GetProperty("thresholds").EnumerateArray().Select(v => (v.GetProperty("threshold").GetString(), v.GetProperty("passed").GetBoolean())).ToList();
            var expected = scope switch
            {
                "direct/reliable" => new List<(string?, bool)> { ("direct:reliable:p99<=1s", true) },
                _ => [("lossy:p50>2s", false)],
            };
            Assert.Equal(expected, verdicts);
        }
        Assert.Equal(2, result.Stderr.Split('\n').Count(l => l.StartsWith("rtcbench: error: threshold lossy:p50>2s failed on ", StringComparison.Ordinal)));
    }
}

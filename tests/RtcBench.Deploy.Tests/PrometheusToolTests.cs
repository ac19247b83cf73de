using RtcBench.Deploy.Tests.Support;
using RtcBench.Storage.Tests;

namespace RtcBench.Deploy.Tests;

/// <summary>The shipped alert rules, Prometheus and Alertmanager examples, checked by Prometheus' own tools.</summary>
public sealed class PrometheusToolTests
{
    [Fact]
    public async Task AlertRules_PassTheirPromtoolUnitTests()
    {
        var result = await Tool.RunAsync(Tool.Find("promtool"), ["test", "rules", Repo.Path("deploy", "prometheus", "tests", "rtcbench-rules.test.yml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRules_WithALooserThreshold_FailTheirUnitTests()
    {
        // The unit tests can fail: the same tests against rules whose loss threshold is 6 % instead of 2 %.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("tests"));
        string rules = await File.ReadAllTextAsync(Repo.Path("deploy", "prometheus", "rtcbench-rules.yml"));
        Assert.Contains("rtcbench_latest_loss_ratio > 0.02", rules, StringComparison.Ordinal);
        await File.WriteAllTextAsync(dir.File("rtcbench-rules.yml"), rules.Replace("rtcbench_latest_loss_ratio > 0.02", "rtcbench_latest_loss_ratio > 0.06", StringComparison.Ordinal));
        File.Copy(Repo.Path("deploy", "prometheus", "tests", "rtcbench-rules.test.yml"), dir.File("tests/rtcbench-rules.test.yml"));

        var result = await Tool.RunAsync(Tool.Find("promtool"), ["test", "rules", dir.File("tests/rtcbench-rules.test.yml")]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("alertname: RtcBenchPacketLoss", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRules_PassPromtoolCheck()
    {
        var result = await Tool.RunAsync(Tool.Find("promtool"), ["check", "rules", Repo.Path("deploy", "prometheus", "rtcbench-rules.yml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 11 rules found", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrometheusExample_PassesPromtoolCheckConfig()
    {
        // Checked where it would be installed: beside the rules, with the agent's key file present.
        using var dir = new TempDirectory();
        File.Copy(Repo.Path("deploy", "prometheus", "rtcbench-rules.yml"), dir.File("rtcbench-rules.yml"));
        await File.WriteAllTextAsync(dir.File("rtcbench-agent.key"), "agent-key-for-the-check-0123456789\n");
        string config = await File.ReadAllTextAsync(Repo.Path("deploy", "prometheus", "prometheus.yml"));
        Assert.Contains("/etc/prometheus/rtcbench-agent.key", config, StringComparison.Ordinal);
        await File.WriteAllTextAsync(dir.File("prometheus.yml"), config.Replace("/etc/prometheus/rtcbench-agent.key", dir.File("rtcbench-agent.key"), StringComparison.Ordinal));

        var result = await Tool.RunAsync(Tool.Find("promtool"), ["check", "config", dir.File("prometheus.yml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 11 rules found", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertmanagerExample_PassesAmtoolCheckConfig()
    {
        var result = await Tool.RunAsync(Tool.Find("amtool"), ["check-config", Repo.Path("deploy", "prometheus", "alertmanager.yml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 inhibit rules", result.Output, StringComparison.Ordinal);
    }
}

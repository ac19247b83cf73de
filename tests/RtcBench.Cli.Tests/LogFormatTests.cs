using System.Text.Json;

namespace RtcBench.Cli.Tests;

/// <summary><c>--log-format json</c> / <c>$RTCBENCH_LOG_FORMAT</c>: one JSON object per log line on stderr.</summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task Agent_WithLogFormatJson_LogsOneJsonObjectPerLine()
    {
        await using var agent = await AgentProcess.StartAsync(extraArgs: ["--log-format", "json"]);
        await agent.TerminateAsync();

        var events = JsonLines(agent.Stderr);
        var started = Assert.Single(events, e => e.GetProperty("Category").GetString() == "RtcBench.Agent"
            && e.GetProperty("Message").GetString()!.Contains("listening", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Information", started.GetProperty("LogLevel").GetString());
        Assert.True(started.TryGetProperty("Timestamp", out _));
        Assert.StartsWith("http://127.0.0.1:", started.GetProperty("State").GetProperty("BaseUrl").GetString(), StringComparison.Ordinal);   // the named values
        Assert.Contains(events, e => e.GetProperty("Message").GetString()!.Contains("stopped", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Agent_WithTheEnvironmentVariable_LogsJson()
    {
        await using var agent = await AgentProcess.StartAsync(environment: new Dictionary<string, string> { ["RTCBENCH_LOG_FORMAT"] = "json" });
        await agent.TerminateAsync();

        Assert.NotEmpty(JsonLines(agent.Stderr));
    }

    [Fact]
    public async Task Agent_ByDefault_LogsText()
    {
        await using var agent = await AgentProcess.StartAsync();
        await agent.TerminateAsync();

        Assert.Empty(JsonLines(agent.Stderr));
        Assert.Contains("info: RtcBench.Agent", agent.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("serve")]
    [InlineData("runner")]
    [InlineData("run")]
    [InlineData("quickstart")]
    public async Task LogFormat_Unknown_IsOneUsageLine(string command)
    {
        using var cli = new CliHarness();
        var result = await cli.RunAsync(command, "--log-format", "xml");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--log-format: 'xml' is not a choice; use text or json", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent", "--listen", "127.0.0.1:0")]
    [InlineData("run", "--agent", "http://127.0.0.1:9", "--no-store")]
    [InlineData("quickstart", "--no-store")]
    public async Task LogFormat_UnknownInTheEnvironment_IsOneUsageLineNamingTheVariable(params string[] args)
    {
        using var cli = new CliHarness();
        cli.Environment["RTCBENCH_LOG_FORMAT"] = "yaml";
        var result = await cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("$RTCBENCH_LOG_FORMAT: unknown log format 'yaml'; use text or json", result.Stderr, StringComparison.Ordinal);
    }

    private static List<JsonElement> JsonLines(string stderr) =>
        stderr.Split('\n')
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();
}

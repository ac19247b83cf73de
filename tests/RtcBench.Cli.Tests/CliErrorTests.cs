using System.Net;
using System.Net.Sockets;

namespace RtcBench.Cli.Tests;

/// <summary>Bad input gets one clear line on stderr and a stable exit code; nothing crashes.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static void AssertOneErrorLine(CliResult result, int exitCode, string fragment)
    {
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(fragment, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // no stack trace
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task NoArguments_SuggestsQuickstart()
    {
        var result = await _cli.RunAsync();
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("rtcbench quickstart", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_UnknownDirectDtlsRole_UsageError()
    {
        var result = await _cli.RunAsync("agent", "--direct-dtls-role", "sideways");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("sideways", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--interval", "100", "has no unit")]
    [InlineData("--interval", "fast", "not a duration")]
    [InlineData("--deadline", "5parsecs", "unknown unit")]
    [InlineData("--count", "-5", "count must be between")]
    [InlineData("--count", "many", "many")]
    [InlineData("--payload-bytes", "999999", "payload-bytes must be between")]
    [InlineData("--schedule", "bursty", "bursty")]
    [InlineData("--agent", "ftp://x", "is not an http(s) URL")]
    [InlineData("--platform", "carrier-pigeon", "unknown platform 'carrier-pigeon'")]
    [InlineData("--store", "mysql:db", "Supported: sqlite:PATH")]
    [InlineData("--lat", "91", "give both --lat and --lon")]
    public async Task Run_BadOption_ExitsWithUsageErrorAndOneClearLine(string option, string value, string fragment)
    {
        string[] args = option == "--agent"
            ? ["run", option, value]
            : ["run", "--agent", "http://127.0.0.1:9", option, value];
        var result = await _cli.RunAsync(args);
        AssertOneErrorLine(result, ExitCodes.Usage, fragment);
    }

    [Fact]
    public async Task Run_NoAgent_ExplainsHowToGiveOneOrUseQuickstart()
    {
        var result = await _cli.RunAsync("run");
        AssertOneErrorLine(result, ExitCodes.Usage, "--agent is required");
        Assert.Contains("quickstart", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NothingListeningAtAgentUrl_ExitsAgentUnreachable()
    {
        // A port that was just free: bind, note it, release.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var result = await _cli.RunAsync("run", "--agent", $"http://127.0.0.1:{port}", "--no-store");
        AssertOneErrorLine(result, ExitCodes.AgentUnreachable, "Cannot reach the agent");
    }

    [Fact]
    public async Task Run_WrongApiKey_ExitsAgentRejectedWithoutEchoingTheKey()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.ApiKey = "correct-key-123456");
        _cli.Environment["RTCBENCH_AGENT_KEY"] = "wrong-key-abcdef";

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--no-store", "--quiet");

        AssertOneErrorLine(result, ExitCodes.AgentRejected, "401");
        Assert.DoesNotContain("wrong-key-abcdef", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("correct-key-123456", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RightApiKeyFromEnvironment_Succeeds()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.ApiKey = "correct-key-123456");
        _cli.Environment["RTCBENCH_AGENT_KEY"] = "correct-key-123456";

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "5", "--warmup", "0",
            "--interval", "5ms", "--no-store", "--quiet", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Fact]
    public async Task Agent_PublicAddressWithoutKey_RefusesToStart()
    {
        var result = await _cli.RunAsync("agent", "--listen", "0.0.0.0:0");
        AssertOneErrorLine(result, ExitCodes.Usage, "API key");
    }

    [Theory]
    [InlineData("8080", "has no host")]
    [InlineData("somewhere:80", "not HOST:PORT")]
    [InlineData("::1:80", "in brackets")]
    public async Task Agent_BadListenAddress_ExitsWithUsageError(string listen, string fragment)
    {
        var result = await _cli.RunAsync("agent", "--listen", listen);
        AssertOneErrorLine(result, ExitCodes.Usage, fragment);
    }

    [Fact]
    public async Task ResultsShow_UnknownOrMalformedRunId_ClearError()
    {
        var malformed = await _cli.RunAsync("results", "show", "not-a-run", "--store", _cli.StoreSpec);
        AssertOneErrorLine(malformed, ExitCodes.Usage, "is not a run id");

        var unknown = await _cli.RunAsync("results", "show", new string('a', 32), "--store", _cli.StoreSpec);
        AssertOneErrorLine(unknown, ExitCodes.NotFound, "no result store at");
    }

    [Fact]
    public async Task UnknownCommand_ExitsWithUsageError()
    {
        var result = await _cli.RunAsync("frobnicate");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--help", result.Stderr, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Sockets;
using RtcBench.Agent.Tests.Support;
using RtcBench.LiveKit.Auth;

namespace RtcBench.Agent.Tests;

/// <summary>
/// The livekit platform's configuration: LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (all or none), the
/// options' validation, and what /health and /connect say. Joining through a LiveKit server is covered end to end
/// against the stand-in in RtcBench.LiveKit.Tests/EndToEnd.
/// </summary>
public sealed class LiveKitAgentOptionsTests
{
    private const string Secret = "very-secret-value-0123456789abcdef";

    private static Func<string, string?> Env(string? url, string? key, string? secret) => name => name switch
    {
        "LIVEKIT_URL" => url,
        "LIVEKIT_API_KEY" => key,
        "LIVEKIT_API_SECRET" => secret,
        _ => null,
    };

    [Fact]
    public void FromEnvironment_NoneSet_Off()
    {
        var options = LiveKitAgentOptions.FromEnvironment(Env(null, " ", ""));

        Assert.False(options.Enabled);
        Assert.Same(LiveKitAgentOptions.Off, options);
    }

    [Fact]
    public void FromEnvironment_AllSet_EnabledWithTrimmedValues()
    {
        var options = LiveKitAgentOptions.FromEnvironment(Env(" wss://project.livekit.cloud ", "APIkey1", Secret + "\n"));

        Assert.True(options.Enabled);
        Assert.Equal(new Uri("wss://project.livekit.cloud"), options.Url);
        Assert.Equal("APIkey1", options.Credentials!.ApiKey);
        Assert.Equal(Secret, options.Credentials.ApiSecret);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(null, "APIkey1", Secret, "LIVEKIT_URL is not set")]
    [InlineData("wss://x.livekit.cloud", null, Secret, "LIVEKIT_API_KEY is not set")]
    [InlineData("wss://x.livekit.cloud", "APIkey1", null, "LIVEKIT_API_SECRET is not set")]
    [InlineData(null, null, Secret, "LIVEKIT_URL and LIVEKIT_API_KEY are not set")]
    [InlineData("wss://x.livekit.cloud", null, null, "LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set")]
    public void FromEnvironment_PartialSet_ErrorNamesTheMissingVariablesNeverTheSecret(string? url, string? key, string? secret, string expected)
    {
        var ex = Assert.Throws<AgentConfigurationException>(() => LiveKitAgentOptions.FromEnvironment(Env(url, key, secret)));

        var problem = Assert.Single(ex.Problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains("LiveKit is partly configured", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("project.livekit.cloud")]
    [InlineData("ftp://project.livekit.cloud")]
    [InlineData("not a url")]
    public void FromEnvironment_UnusableUrl_ErrorQuotesTheUrlNotTheSecret(string url)
    {
        var ex = Assert.Throws<AgentConfigurationException>(() => LiveKitAgentOptions.FromEnvironment(Env(url, "APIkey1", Secret)));

        Assert.Contains($"LIVEKIT_URL '{url}' is not a LiveKit server URL", Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadValues_ListsEveryProblem()
    {
        var options = new AgentOptions
        {
            LiveKit = new LiveKitAgentOptions
            {
                Url = new Uri("ftp://x"),
                Credentials = null,
                EmptyTimeout = TimeSpan.FromMilliseconds(1500),
                DepartureTimeout = TimeSpan.Zero,
                JoinTimeout = TimeSpan.Zero,
                PeerPhaseTimeout = TimeSpan.FromHours(1),
                ApiTimeout = TimeSpan.FromMinutes(10),
            },
        };

        var problems = options.Validate();

        Assert.Contains(problems, p => p.StartsWith("LiveKit.Credentials", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LiveKit.Url", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LiveKit.EmptyTimeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LiveKit.DepartureTimeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LiveKit.JoinTimeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LiveKit.PeerPhaseTimeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LiveKit.ApiTimeout", StringComparison.Ordinal));
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public async Task Health_LiveKitConfigured_ListedAsOffered()
    {
        await using var harness = await AgentHarness.StartAsync(o => o.LiveKit = Enabled(new Uri("ws://127.0.0.1:9")));

        var health = await harness.GetJsonAsync("/health");

        Assert.Contains("livekit", health.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("livekit", harness.Agent.EnabledPlatforms);
        var livekit = health.GetProperty("livekit");
        Assert.Equal(0, livekit.GetProperty("rooms_open").GetInt32());
        Assert.Equal(0, livekit.GetProperty("setup_failures").GetInt64());
    }

    [Fact]
    public async Task Health_LiveKitNotConfigured_NotOfferedAndConnectSaysSo()
    {
        await using var harness = await AgentHarness.StartAsync();

        var health = await harness.GetJsonAsync("/health");
        using var response = await harness.PostAsync("/connect", """{"platforms":["livekit"]}""");

        Assert.DoesNotContain("livekit", health.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()));
        Assert.False(health.TryGetProperty("livekit", out _));
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("platform 'livekit' is not enabled on this agent", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_LiveKitServerUnreachable_502ProblemWithTheReasonAndNoRoomLeft()
    {
        int port = ClosedPort();
        await using var harness = await AgentHarness.StartAsync(o => o.LiveKit = Enabled(new Uri($"ws://127.0.0.1:{port}")));

        using var response = await harness.PostAsync("/connect", """{"platforms":["livekit"]}""");

        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Contains("LiveKit refused to create the room (unavailable)", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, detail, StringComparison.Ordinal);
        var rooms = await harness.GetJsonAsync("/rooms");
        Assert.Equal(0, rooms.GetProperty("rooms").GetArrayLength());
        var health = await harness.GetJsonAsync("/health");
        Assert.Equal(1, health.GetProperty("livekit").GetProperty("setup_failures").GetInt64());
        Assert.Equal(0, health.GetProperty("livekit").GetProperty("rooms_created").GetInt64());
    }

    private static LiveKitAgentOptions Enabled(Uri url) => new()
    {
        Url = url,
        Credentials = new LiveKitCredentials("APIkey1", Secret),
        ApiTimeout = TimeSpan.FromSeconds(5),
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

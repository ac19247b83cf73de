using System.Net;
using System.Net.Sockets;
using RtcBench.Agent.Platforms.Udp;

namespace RtcBench.Agent.Tests;

public sealed class AgentOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(new AgentOptions().Validate());
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOne()
    {
        var options = new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Any, 0),
            UdpPort = 70000,
            MaxRooms = 0,
            DefaultIdleTimeout = TimeSpan.FromSeconds(1),
            DefaultRoomTtl = TimeSpan.FromDays(2),
            Faults = new EchoFaults { DropEvery = -1 },
        };
        var problems = options.Validate();
        Assert.Contains(problems, p => p.StartsWith("refusing to listen on 0.0.0.0:0 without an API key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("UdpPort", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MaxRooms", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DefaultIdleTimeout", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DefaultRoomTtl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DropEvery", StringComparison.Ordinal));
        Assert.Equal(6, problems.Count);
    }

    [Fact]
    public void Validate_UndefinedDirectSocket_Listed()
    {
        var problems = new AgentOptions { DirectSocket = (RtcBench.Agent.Platforms.DirectSocketMode)7 }.Validate();
        Assert.StartsWith("DirectSocket: must be Shared or PerSession", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedDirectDtlsRole_Listed()
    {
        var problems = new AgentOptions { DirectDtlsRole = (RtcBench.Rtc.Dtls.DtlsRole)7 }.Validate();
        Assert.StartsWith("DirectDtlsRole", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NonLoopbackWithKey_NoProblems()
    {
        var options = new AgentOptions { Listen = new IPEndPoint(IPAddress.Any, 8080), ApiKey = "secret-key-0123456" };
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("fifteen-chars-x")]
    public void Validate_KeyShorterThan16_TheResultsServiceMessage(string key)
    {
        var problem = Assert.Single(new AgentOptions { ApiKey = key }.Validate());
        Assert.Equal("the API key is shorter than 16 characters; use e.g. `openssl rand -hex 24`", problem);
        Assert.DoesNotContain(key, problem, StringComparison.Ordinal);
        // One rule for both secrets: the results service checks its ingest token with the same shared rule.
        Assert.Equal(
            "the ingest token is shorter than 16 characters; use e.g. `openssl rand -hex 24`",
            RtcBench.Core.Security.SharedSecret.Problem(key, "the ingest token"));
    }

    [Theory]
    [InlineData("sixteen-chars-ok")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Validate_KeyOf16OrMore_NoProblems(string key) => Assert.Empty(new AgentOptions { ApiKey = key }.Validate());

    [Fact]
    public void Validate_KeyWithBlank_Refused()
    {
        var problem = Assert.Single(new AgentOptions { ApiKey = "sixteen chars ok" }.Validate());
        Assert.Equal("the API key contains whitespace or control characters; use e.g. `openssl rand -hex 24`", problem);
    }

    [Fact]
    public void Validate_IPv6LoopbackWithoutKey_NoProblems()
    {
        Assert.Empty(new AgentOptions { Listen = new IPEndPoint(IPAddress.IPv6Loopback, 0) }.Validate());
    }

    [Fact]
    public async Task StartAsync_WildcardWithoutKey_ThrowsBeforeBinding()
    {
        int port = FreeTcpPort();
        var options = new AgentOptions { Listen = new IPEndPoint(IPAddress.Any, port), UdpPort = port };
        var ex = await Assert.ThrowsAsync<AgentConfigurationException>(() => AgentHost.StartAsync(options).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains($"refusing to listen on 0.0.0.0:{port} without an API key: set RTCBENCH_AGENT_KEY or --api-key", ex.Message, StringComparison.Ordinal);
        // Nothing was bound: the same TCP and UDP ports are still free.
        var tcp = new TcpListener(IPAddress.Any, port);
        tcp.Start();
        tcp.Stop();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Any, port));
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ExceptionListsAllProblems()
    {
        var options = new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), MaxRooms = -1, ApiKey = "" };
        var ex = await Assert.ThrowsAsync<AgentConfigurationException>(() => AgentHost.StartAsync(options).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, ex.Problems.Count);
        Assert.Contains("MaxRooms", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the API key is shorter than 16 characters", ex.Message, StringComparison.Ordinal);
    }

    private static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

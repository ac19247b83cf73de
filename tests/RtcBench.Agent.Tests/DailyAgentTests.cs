using System.Net;
using RtcBench.Core.Measurement;
using RtcBench.Platforms.Daily.Browser;
using RtcBench.Platforms.Tests.Daily;
using RtcBench.Runner;
using RtcBench.Core.Timing;

namespace RtcBench.Agent.Tests;

/// <summary>
/// The daily platform end to end, offline: the agent creates rooms on the Daily REST STAND-IN, its echo page and
/// the runner's page join through the in-page daily-js STAND-IN and its relay, in real headless Chromium.
/// </summary>
public sealed class DailyAgentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task RunDaily_ThroughStandIns_RecordsAnOkRunWithPathDetailsAndDeletesTheRoom()
    {
        await using var rest = await DailyStandIn.StartAsync();
        await using var relay = await DailyStandInRelay.StartAsync();
        var agent = await AgentHost.StartAsync(new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Daily = new DailyAgentOptions { ApiKey = DailyStandIn.ApiKey, ApiBaseUrl = rest.BaseUrl, StandInRelay = relay.RelayUrl },
        }).WaitAsync(Timeout);
        BenchmarkReport report;
        try
        {
            report = await new BenchmarkRunner(MonoTime.System).RunAsync(new BenchmarkOptions
            {
                AgentUrl = agent.BaseUrl,
                Platforms = ["daily"],
                Config = new RunConfig { Count = 30, Warmup = 2, Interval = TimeSpan.FromMilliseconds(20), PayloadBytes = 128 },
                DailyTopology = "p2p",
                ReadinessTimeout = TimeSpan.FromSeconds(20),
            }, CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);
        }
        finally
        {
            await agent.DisposeAsync().AsTask().WaitAsync(Timeout);
            await BrowserHost.Shared.DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        Assert.Empty(report.Failures);
        var run = Assert.Single(report.Results);
        Assert.Equal("ok", run.Outcome.Status);
        Assert.Equal("daily", run.Platform);
        Assert.Equal("daily-websocket", run.TransportMode);
        Assert.Equal(30, run.Stats.Ok);
        Assert.Equal(0, run.Stats.Lost);
        Assert.Equal("p2p", run.Path!.Details!["daily_topology_requested"]);
        Assert.Equal("standin-relay", run.Path.Details["daily_topology"]);
        Assert.Contains("browser_cpu_ms", run.Path.Details.Keys);
        Assert.StartsWith("156.", run.Path.Details["chromium_version"], StringComparison.Ordinal);

        var created = Assert.Single(rest.Requests, r => r.Method == "POST" && r.Path == "/v1/rooms");
        Assert.Equal(4, created.Body!["properties"]!["sfu_switchover"]!.GetValue<double>());
        Assert.True(created.Body["properties"]!["eject_at_room_exp"]!.GetValue<bool>());
        Assert.StartsWith("rtcbench-", created.Body["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, rest.Requests.Count(r => r.Path == "/v1/meeting-tokens"));
        Assert.Contains(rest.Requests, r => r.Method == "DELETE");
        Assert.Empty(rest.Rooms);
    }
}

using System.Net;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Tests.Shared;

namespace RtcBench.Agent.Tests;

/// <summary>GET /metrics of a live agent: rooms and the echo's counters, as the agent itself counts them.</summary>
public sealed class MetricsTests
{
    private const string Key = "agent-metrics-key-0123456789";

    [Fact]
    public async Task Metrics_AfterRoomsAndPackets_ShowRoomsRefusalsClosingsAndDrops()
    {
        await using var h = await AgentHarness.StartAsync(o => o.MaxRooms = 2);
        var a = await h.ConnectAsync();
        var b = await h.ConnectAsync();
        using (var refused = await h.PostAsync("/connect", "{}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }
        using (var client = new UdpTestClient(b.Udp))
        {
            client.Send([1, 2, 3]);
            client.Send(UdpTestClient.Ping(b.Id, new byte[b.Token.Length], RunId.New(), 0));   // wrong token
            await client.PingAsync(b.Id, b.Token, RunId.New(), 0);   // answered: the two above were judged first
        }
        using (var closed = await h.PostAsync("/disconnect", "{\"room_id\":\"" + a.Id.ToString("N") + "\"}"))
        {
            Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        }

        var metrics = await ScrapeAsync(h.Http);

        var udp = h.Agent.UdpServer.GetCounters();
        Assert.Equal(1, metrics.Value("rtcbench_agent_rooms_open"));
        Assert.Equal(2, metrics.Value("rtcbench_agent_rooms_max"));
        Assert.Equal(2, metrics.Value("rtcbench_agent_rooms_created_total"));
        Assert.Equal(1, metrics.Value("rtcbench_agent_rooms_refused_total"));
        Assert.Equal(1, metrics.Value("rtcbench_agent_rooms_closed_total", "reason=\"disconnect\""));
        Assert.Equal(0, metrics.Value("rtcbench_agent_rooms_closed_total", "reason=\"expired\""));
        Assert.Equal(1, metrics.Value("rtcbench_agent_udp_dropped_total", "reason=\"malformed\""));
        Assert.Equal(1, metrics.Value("rtcbench_agent_udp_dropped_total", "reason=\"bad_token\""));
        Assert.Equal(udp.Received, metrics.Value("rtcbench_agent_udp_received_total"));
        Assert.Equal(1, metrics.Value("rtcbench_agent_pings_echoed_total", "platform=\"udp\""));
        Assert.Equal(1, metrics.Value("rtcbench_agent_malformed_total", "platform=\"udp\""));
        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
    }

    [Fact]
    public async Task Metrics_WithAnApiKey_NeedTheKeyUnlessOpened()
    {
        await using var h = await AgentHarness.StartAsync(o => o.ApiKey = Key);
        using var anonymous = new HttpClient { BaseAddress = h.Agent.BaseUrl, Timeout = AgentHarness.Timeout };
        using (var refused = await anonymous.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        Assert.True((await ScrapeAsync(h.Http)).Has("rtcbench_agent_rooms_open"));

        await using var open = await AgentHarness.StartAsync(o => { o.ApiKey = Key; o.MetricsOpen = true; });
        using var anonymousOpen = new HttpClient { BaseAddress = open.Agent.BaseUrl, Timeout = AgentHarness.Timeout };
        Assert.True((await ScrapeAsync(anonymousOpen)).Has("rtcbench_agent_rooms_open"));
        using (var connect = await anonymousOpen.PostAsync("/connect", AgentHarness.Json("{}")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, connect.StatusCode);   // only /metrics opened
        }
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics").WaitAsync(AgentHarness.Timeout);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics: {(int)response.StatusCode} {body}");
        return new PrometheusText(body);
    }
}

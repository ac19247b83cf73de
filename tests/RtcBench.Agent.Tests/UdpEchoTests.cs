using System.Net;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;

namespace RtcBench.Agent.Tests;

public sealed class UdpEchoTests : IAsyncLifetime
{
    private AgentHarness _h = null!;

    public async Task InitializeAsync() => _h = await AgentHarness.StartAsync(o => o.Location = "test-lab");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Connect_Default_ReturnsDocumentedShape()
    {
        var room = await _h.ConnectAsync("{\"platforms\":[\"udp\"],\"ttl_seconds\":600,\"idle_timeout_seconds\":120,\"client\":\"tests\"}");
        var body = room.Body;
        Assert.Matches("^[0-9a-f]{32}$", body.GetProperty("room_id").GetString());
        var created = DateTimeOffset.Parse(body.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(body.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith("Z", body.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(600), expires - created);
        Assert.Equal("0.1.0", body.GetProperty("agent").GetProperty("version").GetString());
        Assert.Equal("test-lab", body.GetProperty("agent").GetProperty("location").GetString());
        var udp = body.GetProperty("platforms").GetProperty("udp");
        Assert.Equal("127.0.0.1", udp.GetProperty("host").GetString());
        Assert.Equal(_h.Agent.UdpEndpoint.Port, udp.GetProperty("port").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", udp.GetProperty("token").GetString());
    }

    [Fact]
    public async Task Ping_ToOpenRoom_PongEchoesFieldsWithPlausibleTimes()
    {
        var room = await _h.ConnectAsync();
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        long sentNs = MonoTime.System.NowNs();
        client.Send(UdpTestClient.Ping(room.Id, room.Token, run, 7, sentNs, payloadBytes: 200));
        var (pongRoom, pong) = await client.ReceivePongAsync();
        Assert.Equal(room.Id, pongRoom);
        Assert.Equal(run, pong.RunId);
        Assert.Equal(7, pong.Seq);
        Assert.Equal(sentNs / 1000, pong.SentNs / 1000);
        Assert.True(pong.EchoRxNs <= pong.EchoTxNs, $"rx {pong.EchoRxNs} > tx {pong.EchoTxNs}");
        Assert.True(pong.EchoRxNs >= sentNs, "same machine, same monotonic clock: rx after send");
        Assert.True(pong.PadLength > 0, "padding echoed");
        double wallUs = pong.EchoWallAnchorUs + pong.EchoRxNs / 1000.0;
        double nowUs = (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMicroseconds;
        Assert.True(Math.Abs(nowUs - wallUs) < 60e6, $"wall anchor implausible: {wallUs} vs {nowUs}");
    }

    [Fact]
    public async Task ReadinessProbe_NegativeSeq_ReplayCheckedApartFromPings()
    {
        var room = await _h.ConnectAsync();
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        await client.PingAsync(room.Id, room.Token, run, -1);
        client.Send(UdpTestClient.Ping(room.Id, room.Token, run, -1)); // the same probe again: a replay
        await client.PingAsync(room.Id, room.Token, run, -2);
        await client.PingAsync(room.Id, room.Token, run, 0); // pings have a window of their own
        await client.PingAsync(room.Id, room.Token, run, 1);
        Assert.Equal(1, _h.Agent.UdpServer.GetCounters().DroppedReplayed);
    }

    [Fact]
    public async Task Disconnect_ThenPing_DroppedAsUnknownRoom()
    {
        var room = await _h.ConnectAsync();
        var other = await _h.ConnectAsync();
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        await client.PingAsync(room.Id, room.Token, run, 0);
        using (var response = await _h.PostAsync("/disconnect", "{\"room_id\":\"" + room.Id.ToString("N") + "\"}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        long before = _h.Agent.UdpServer.GetCounters().DroppedUnknownRoom;
        client.Send(UdpTestClient.Ping(room.Id, room.Token, run, 1));
        // The fence: the server handles datagrams in order, so once this pong is back the first was judged.
        await client.PingAsync(other.Id, other.Token, run, 0);
        Assert.Equal(before + 1, _h.Agent.UdpServer.GetCounters().DroppedUnknownRoom);
    }

    [Fact]
    public async Task Health_AfterTraffic_ReportsCountersAndRooms()
    {
        var room = await _h.ConnectAsync();
        using var client = new UdpTestClient(room.Udp);
        await client.PingAsync(room.Id, room.Token, RunId.New(), 0);
        var health = await _h.GetJsonAsync("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("0.1.0", health.GetProperty("version").GetString());
        Assert.True(health.GetProperty("uptime_seconds").GetDouble() >= 0);
        Assert.Equal("udp", health.GetProperty("platforms")[0].GetString());
        Assert.True(health.GetProperty("rooms").GetInt32() >= 1);
        var udp = health.GetProperty("udp");
        Assert.True(udp.GetProperty("received").GetInt64() >= 1);
        Assert.True(udp.GetProperty("echoed").GetInt64() >= 1);
        foreach (var name in new[] { "dropped_malformed", "dropped_unknown_room", "dropped_bad_token", "dropped_replayed", "dropped_expired", "dropped_oversize",
            "dropped_probe_rate_limited", "dropped_probe_too_small" })
        {
            Assert.True(udp.TryGetProperty(name, out _), name);
        }
    }
}

using System.Net;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;

namespace RtcBench.Agent.Tests;

/// <summary>Room expiry, idle timeout, listing and the room limit, with time moved by hand.</summary>
public sealed class RoomLifetimeTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private AgentHarness _h = null!;

    public async Task InitializeAsync() => _h = await AgentHarness.StartAsync(o => o.MaxRooms = 3, _time);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<string> ClosedAsync(Guid room)
    {
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Agent.Rooms.RoomClosed += (id, reason) =>
        {
            if (id == room)
            {
                closed.TrySetResult(reason);
            }
        };
        return closed.Task.WaitAsync(AgentHarness.Timeout);
    }

    /// <summary>Moves time and waits until a sweep has run at (or after) the new time.</summary>
    private async Task AdvanceAndSweepAsync(TimeSpan by)
    {
        long target = _time.GetTimestamp() + by.Ticks * 100;
        var swept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwept(long nowNs)
        {
            if (nowNs >= target)
            {
                swept.TrySetResult();
            }
        }
        _h.Agent.Rooms.Swept += OnSwept;
        try
        {
            _time.Advance(by);
            await swept.Task.WaitAsync(AgentHarness.Timeout);
        }
        finally
        {
            _h.Agent.Rooms.Swept -= OnSwept;
        }
    }

    [Fact]
    public async Task Room_PastTtl_ClosedAsExpiredAndUnregistered()
    {
        var room = await _h.ConnectAsync("{\"ttl_seconds\":60,\"idle_timeout_seconds\":3600}");
        var closed = ClosedAsync(room.Id);
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(59));
        Assert.False(closed.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("expired", await closed);
        var rooms = await _h.GetJsonAsync("/rooms");
        Assert.Equal(0, rooms.GetProperty("rooms").GetArrayLength());
        Assert.Equal(0, _h.Agent.UdpServer.RoomCount);
        using var client = new UdpTestClient(room.Udp);
        long before = _h.Agent.UdpServer.GetCounters().DroppedUnknownRoom;
        var other = await _h.ConnectAsync();
        client.Send(UdpTestClient.Ping(room.Id, room.Token, RunId.New(), 0));
        await client.PingAsync(other.Id, other.Token, RunId.New(), 0);
        Assert.Equal(before + 1, _h.Agent.UdpServer.GetCounters().DroppedUnknownRoom);
    }

    [Fact]
    public async Task Room_Idle_ClosedAfterIdleTimeoutButValidPingsKeepItOpen()
    {
        var room = await _h.ConnectAsync("{\"ttl_seconds\":600,\"idle_timeout_seconds\":10}");
        var closed = ClosedAsync(room.Id);
        using var client = new UdpTestClient(room.Udp);
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(6));
        await client.PingAsync(room.Id, room.Token, RunId.New(), 0); // activity at t=6
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(6)); // t=12: idle 6 s
        Assert.False(closed.IsCompleted);
        // A datagram with a wrong token is not activity.
        var bad = (byte[])room.Token.Clone();
        bad[0] ^= 0xff;
        client.Send(UdpTestClient.Ping(room.Id, bad, RunId.New(), 1));
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(3)); // t=15: idle 9 s
        Assert.False(closed.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2)); // t=17: idle 11 s
        Assert.Equal("idle", await closed);
    }

    [Fact]
    public async Task Room_Idle_ReplayedProbesAndPingsDoNotKeepItOpen()
    {
        var room = await _h.ConnectAsync("{\"ttl_seconds\":600,\"idle_timeout_seconds\":10}");
        var other = await _h.ConnectAsync("{\"ttl_seconds\":600,\"idle_timeout_seconds\":3600}");
        var closed = ClosedAsync(room.Id);
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        var probe = UdpTestClient.Ping(room.Id, room.Token, run, -1);
        var ping = UdpTestClient.Ping(room.Id, room.Token, run, 0);
        client.Send(probe);
        await client.ReceivePongAsync();
        client.Send(ping);
        await client.ReceivePongAsync(); // activity at t=0
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(6));
        long replayed = _h.Agent.UdpServer.GetCounters().DroppedReplayed;
        for (int i = 0; i < 20; i++)
        {
            client.Send(probe);
            client.Send(ping);
        }
        // The fence is another room's ping: datagrams are judged in order, and it is no activity of this room.
        await client.PingAsync(other.Id, other.Token, RunId.New(), 0);
        Assert.Equal(replayed + 40, _h.Agent.UdpServer.GetCounters().DroppedReplayed);
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(3)); // t=9: idle 9 s
        Assert.False(closed.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2)); // t=11: idle 11 s, although replays came at t=6
        Assert.Equal("idle", await closed);
    }

    [Fact]
    public async Task Rooms_Listing_ShowsAgeCountsAndActivity()
    {
        var a = await _h.ConnectAsync("{\"client\":\"runner-a\",\"idle_timeout_seconds\":3600}");
        var b = await _h.ConnectAsync("{\"idle_timeout_seconds\":3600}");
        using var client = new UdpTestClient(a.Udp);
        var run = RunId.New();
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        for (int seq = 0; seq < 3; seq++)
        {
            await client.PingAsync(a.Id, a.Token, run, seq);
        }
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(2));
        var list = (await _h.GetJsonAsync("/rooms")).GetProperty("rooms").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        var ra = list.Single(r => r.GetProperty("room_id").GetString() == a.Id.ToString("N"));
        var rb = list.Single(r => r.GetProperty("room_id").GetString() == b.Id.ToString("N"));
        Assert.Equal(3, ra.GetProperty("pings_echoed").GetInt64());
        Assert.Equal(0, rb.GetProperty("pings_echoed").GetInt64());
        Assert.Equal(7.0, ra.GetProperty("age_seconds").GetDouble());
        Assert.Equal("udp", ra.GetProperty("platforms")[0].GetString());
        Assert.Equal("runner-a", ra.GetProperty("client").GetString());
        var created = ra.GetProperty("created_at").GetDateTimeOffset();
        Assert.Equal(created.AddSeconds(5), ra.GetProperty("last_activity_at").GetDateTimeOffset());
        Assert.Equal(rb.GetProperty("created_at").GetDateTimeOffset(), rb.GetProperty("last_activity_at").GetDateTimeOffset());
        Assert.Equal(created.AddMinutes(10), ra.GetProperty("expires_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Connect_AtMaxRooms_Returns503WithRetryAfter()
    {
        var rooms = new List<AgentHarness.Room>();
        for (int i = 0; i < 3; i++)
        {
            rooms.Add(await _h.ConnectAsync("{\"ttl_seconds\":120}"));
        }
        using (var full = await _h.PostAsync("/connect", "{}"))
        {
            await AgentHarness.AssertProblemAsync(full, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(120), full.Headers.RetryAfter?.Delta);
        }
        using (var response = await _h.PostAsync("/disconnect", "{\"room_id\":\"" + rooms[0].Id.ToString("N") + "\"}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await _h.ConnectAsync();
    }

    [Fact]
    public async Task Connect_AtMaxRooms_RetryAfterIsWhenTheFirstRoomCanFree()
    {
        var a = await _h.ConnectAsync("{\"ttl_seconds\":600,\"idle_timeout_seconds\":30}");
        await _h.ConnectAsync("{\"ttl_seconds\":600,\"idle_timeout_seconds\":60}");
        await _h.ConnectAsync("{\"ttl_seconds\":45,\"idle_timeout_seconds\":3600}");
        using var client = new UdpTestClient(a.Udp);
        var run = RunId.New();

        // t=0: a idles out first (30 s), long before any room expires (45 s, 600 s).
        Assert.Equal(TimeSpan.FromSeconds(30), await RetryAfterAsync());

        // t=10: a valid ping moves a's idle end to 40; the 45 s room now frees at 45 (35 s away).
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(10));
        await client.PingAsync(a.Id, a.Token, run, 0);
        Assert.Equal(TimeSpan.FromSeconds(30), await RetryAfterAsync());

        // t=20: a ping again (idle end 50): the 45 s room's expiry is now the soonest, 25 s away.
        await AdvanceAndSweepAsync(TimeSpan.FromSeconds(10));
        await client.PingAsync(a.Id, a.Token, run, 1);
        Assert.Equal(TimeSpan.FromSeconds(25), await RetryAfterAsync());

        // A fraction of a second still answers whole seconds, at least 1.
        await AdvanceAndSweepAsync(TimeSpan.FromMilliseconds(24_500));
        Assert.Equal(TimeSpan.FromSeconds(1), await RetryAfterAsync());
    }

    private async Task<TimeSpan?> RetryAfterAsync()
    {
        using var full = await _h.PostAsync("/connect", "{}");
        await AgentHarness.AssertProblemAsync(full, HttpStatusCode.ServiceUnavailable);
        return full.Headers.RetryAfter?.Delta;
    }

    [Fact]
    public async Task Connect_TtlAboveMax_CappedToMaxRoomTtl()
    {
        await using var h = await AgentHarness.StartAsync(o => o.MaxRoomTtl = TimeSpan.FromHours(1), _time);
        var room = await h.ConnectAsync("{\"ttl_seconds\":86400}");
        var created = room.Body.GetProperty("created_at").GetDateTimeOffset();
        Assert.Equal(created.AddHours(1), room.Body.GetProperty("expires_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Stop_WithOpenRooms_ClosesEveryRoom()
    {
        var room = await _h.ConnectAsync();
        var closed = ClosedAsync(room.Id);
        await _h.Agent.StopAsync().WaitAsync(AgentHarness.Timeout);
        Assert.Equal("shutdown", await closed);
        Assert.Equal(0, _h.Agent.Rooms.Count);
    }
}

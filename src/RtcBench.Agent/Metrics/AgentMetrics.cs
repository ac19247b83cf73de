using Microsoft.AspNetCore.Http;
using Prometheus;
using RtcBench.Agent.Platforms;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Rooms;
using RtcBench.Hosting;

namespace RtcBench.Agent.Metrics;

/// <summary>
/// The agent's <c>/metrics</c>: rooms (open, limit, created, refused at the limit, closed by reason) and the echo's
/// packet counters (UDP received/echoed/dropped by reason, the direct platform's shared sockets, LiveKit pings echoed
/// and malformed). Everything but the
/// room closings is read at scrape time from the counters the echo paths already keep, so the per-packet paths do
/// no extra work; a closing (not per packet) counts itself.
/// </summary>
internal sealed class AgentMetrics : IDisposable
{
    private readonly MetricsExposition _exposition;
    private readonly RoomRegistry _rooms;
    private readonly UdpEchoServer _udp;
    private readonly Gauge _open;
    private readonly Gauge _max;
    private readonly Counter _created;
    private readonly Counter _refused;
    private readonly Counter _closed;
    private readonly Counter _udpReceived;
    private readonly Counter _udpEchoed;
    private readonly Counter _udpDropped;
    private readonly Counter _udpSocketErrors;
    private readonly Counter _echoed;
    private readonly Counter _malformed;
    private readonly Gauge _directSessions;
    private readonly Counter _directReceived;
    private readonly Counter _directDropped;

    public AgentMetrics(RoomRegistry rooms, UdpEchoServer udp, string version)
    {
        _rooms = rooms;
        _udp = udp;
        _exposition = new MetricsExposition(version);
        var f = _exposition.Factory;
        _open = f.CreateGauge("rtcbench_agent_rooms_open", "Rooms open now.");
        _max = f.CreateGauge("rtcbench_agent_rooms_max", "The room limit (--max-rooms); /connect answers 503 beyond it.");
        _created = f.CreateCounter("rtcbench_agent_rooms_created_total", "Rooms created by /connect.");
        _refused = f.CreateCounter("rtcbench_agent_rooms_refused_total", "/connect requests refused at the room limit (503).");
        _closed = f.CreateCounter("rtcbench_agent_rooms_closed_total",
            "Rooms closed, by reason: disconnect, expired (its TTL passed), idle, shutdown.", ["reason"]);
        foreach (var reason in (string[])["disconnect", "expired", "idle", "shutdown"])
        {
            _closed.WithLabels(reason);
        }
        _udpReceived = f.CreateCounter("rtcbench_agent_udp_received_total", "Datagrams the UDP echo received.");
        _udpEchoed = f.CreateCounter("rtcbench_agent_udp_echoed_total", "Datagrams the UDP echo answered.");
        _udpDropped = f.CreateCounter("rtcbench_agent_udp_dropped_total",
            "Datagrams the UDP echo dropped, by reason (malformed, unknown_room, bad_token, replayed, expired, oversize, "
            + "injected, probe_rate_limited, probe_too_small).", ["reason"]);
        _udpSocketErrors = f.CreateCounter("rtcbench_agent_udp_socket_errors_total", "Socket errors of the UDP echo.");
        _echoed = f.CreateCounter("rtcbench_agent_pings_echoed_total", "Pings echoed, by platform (udp and livekit).", ["platform"]);
        _malformed = f.CreateCounter("rtcbench_agent_malformed_total",
            "Packets dropped as malformed, by platform (udp and livekit).", ["platform"]);
        _directSessions = f.CreateGauge("rtcbench_agent_direct_shared_sessions", "direct sessions on the shared UDP sockets now.");
        _directReceived = f.CreateCounter("rtcbench_agent_direct_shared_received_total", "Datagrams the direct platform's shared UDP sockets received.");
        _directDropped = f.CreateCounter("rtcbench_agent_direct_shared_dropped_total",
            "Datagrams the direct platform's shared UDP sockets dropped, by reason: unknown (no session has that ICE ufrag or "
            + "that source address), other (neither STUN nor DTLS).", ["reason"]);
        _directDropped.WithLabels("unknown");
        _directDropped.WithLabels("other");
        rooms.RoomClosed += OnRoomClosed;
        _exposition.Registry.AddBeforeCollectCallback(Read);
    }

    public Task WriteAsync(HttpContext context) => _exposition.WriteAsync(context);

    private void OnRoomClosed(Guid room, string reason) => _closed.WithLabels(reason).Inc();

    private void Read()
    {
        _open.Set(_rooms.Count);
        _max.Set(_rooms.MaxRooms);
        _created.IncTo(_rooms.CreatedCount);
        _refused.IncTo(_rooms.RefusedCount);
        var udp = _udp.GetCounters();
        _udpReceived.IncTo(udp.Received);
        _udpEchoed.IncTo(udp.Echoed);
        _udpDropped.WithLabels("malformed").IncTo(udp.DroppedMalformed);
        _udpDropped.WithLabels("unknown_room").IncTo(udp.DroppedUnknownRoom);
        _udpDropped.WithLabels("bad_token").IncTo(udp.DroppedBadToken);
        _udpDropped.WithLabels("replayed").IncTo(udp.DroppedReplayed);
        _udpDropped.WithLabels("expired").IncTo(udp.DroppedExpired);
        _udpDropped.WithLabels("oversize").IncTo(udp.DroppedOversize);
        _udpDropped.WithLabels("injected").IncTo(udp.DroppedInjected);
        _udpDropped.WithLabels("probe_rate_limited").IncTo(udp.DroppedProbeRateLimited);
        _udpDropped.WithLabels("probe_too_small").IncTo(udp.DroppedProbeTooSmall);
        _udpSocketErrors.IncTo(udp.SocketErrors);
        _echoed.WithLabels("udp").IncTo(udp.Echoed);
        _malformed.WithLabels("udp").IncTo(udp.DroppedMalformed);
        if (_rooms.FindPlatform(DirectEchoPlatform.PlatformName) is DirectEchoPlatform direct)
        {
            // Shared sockets live until the agent stops, so these sums only grow.
            var sockets = direct.SharedSockets;
            _directSessions.Set(sockets.Sum(s => s.Sessions));
            _directReceived.IncTo(sockets.Sum(s => s.Received));
            _directDropped.WithLabels("unknown").IncTo(sockets.Sum(s => s.DroppedUnknown));
            _directDropped.WithLabels("other").IncTo(sockets.Sum(s => s.DroppedOther));
        }

        if ((_rooms.FindPlatform(LiveKitEchoPlatform.PlatformName) as LiveKitEchoPlatform)?.Health() is { } livekit)
        {
            _echoed.WithLabels("livekit").IncTo(livekit.PingsEchoed);
            _malformed.WithLabels("livekit").IncTo(livekit.Malformed);
        }
    }

    public void Dispose()
    {
        _rooms.RoomClosed -= OnRoomClosed;
        _exposition.Dispose();
    }
}

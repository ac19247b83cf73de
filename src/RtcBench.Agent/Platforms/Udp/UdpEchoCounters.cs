using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Platforms.Udp;

/// <summary>A point-in-time snapshot of the UDP echo server's counters (each counter is read atomically).</summary>
/// <param name="Received">Datagrams received (every datagram, good or bad).</param>
/// <param name="Echoed">Pongs sent (readiness probes included).</param>
/// <param name="DroppedMalformed">Not our header, wrong frame type, bad JSON, or not a ping.</param>
/// <param name="DroppedUnknownRoom">Well-formed frame for a room that is not registered (never was, or closed).</param>
/// <param name="DroppedBadToken">The room exists but the token does not match.</param>
/// <param name="DroppedReplayed">A (room, run, seq) already seen, or too old for its anti-replay window (pings and
/// readiness probes alike).</param>
/// <param name="DroppedExpired">The room is still registered but past its expiry (closing).</param>
/// <param name="DroppedOversize">Larger than <see cref="UdpFrame.MaxDatagram"/>.</param>
/// <param name="DroppedInjected">Dropped on purpose by <see cref="EchoFaults.DropEvery"/>.</param>
/// <param name="DroppedProbeRateLimited">A readiness probe over its room's budget (10 at once, then 2 per second).</param>
/// <param name="DroppedProbeTooSmall">A readiness probe whose answer would be larger than the probe, even without
/// padding: probes must carry at least <see cref="UdpFrame.MinProbeBytes"/> bytes of JSON.</param>
/// <param name="SocketErrors">Receive or send errors survived by the loop (e.g. ICMP port unreachable).</param>
public sealed record UdpEchoCounters(
    long Received,
    long Echoed,
    long DroppedMalformed,
    long DroppedUnknownRoom,
    long DroppedBadToken,
    long DroppedReplayed,
    long DroppedExpired,
    long DroppedOversize,
    long DroppedInjected,
    long DroppedProbeRateLimited,
    long DroppedProbeTooSmall,
    long SocketErrors);

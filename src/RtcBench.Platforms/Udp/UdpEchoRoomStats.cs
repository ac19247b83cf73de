namespace RtcBench.Platforms.Udp;

/// <summary>Per-room activity seen by the UDP echo server.</summary>
/// <param name="PingsEchoed">Pongs sent for this room (readiness probes included).</param>
/// <param name="LastActivityNs">
/// Monotonic time (ns, the server's clock) of the last valid datagram, or null when none arrived yet.
/// </param>
public readonly record struct UdpEchoRoomStats(long PingsEchoed, long? LastActivityNs);

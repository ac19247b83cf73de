using RtcBench.Agent.Platforms.Udp;

namespace RtcBench.Agent.Contracts;

/// <summary>The answer to GET /health.</summary>
internal sealed record HealthResponse(
    string Status,
    string Version,
    double UptimeSeconds,
    IReadOnlyList<string> Platforms,
    int Rooms,
    UdpEchoCounters? Udp,
    LiveKitHealth? Livekit = null,
    JanusHealth? Janus = null);

namespace RtcBench.Agent.Platforms;

/// <summary>What runs each <c>direct</c> session of the agent.</summary>
public enum DirectEngine
{
    /// <summary><c>Rtc/Peer/PeerConnection</c>: the same core behind a shell per session (its own lock and timer; each ping
    /// answered on its receive thread), what per-session sockets always use.</summary>
    Peer,

    /// <summary>
    /// <c>Rtc/Core/RtcCore</c> on the shared socket (<c>Rtc/Net/RtcCoreMuxHost</c>): each ping is decrypted, parsed and
    /// answered on the mux receive thread that received it, with no thread hand-off (the default). Shared socket only:
    /// with <see cref="DirectSocketMode.PerSession"/> sessions stay on PeerConnection. <c>RTCBENCH_DIRECT_ENGINE=peer</c>
    /// switches the default back (for running the agent and interop suites on PeerConnection without touching the code
    /// that builds the agent).
    /// </summary>
    Core,
}

namespace RtcBench.Agent.Platforms;

/// <summary>What runs each <c>direct</c> session of the agent.</summary>
public enum DirectEngine
{
    /// <summary><c>Rtc/Peer/PeerConnection</c>: an event loop per session (the default).</summary>
    Peer,

    /// <summary>
    /// <c>Rtc/Core/RtcCore</c> on the shared socket (<c>Rtc/Net/RtcCoreMuxHost</c>): each ping is decrypted, parsed and
    /// answered on the mux receive thread that received it, with no thread hand-off. Shared socket only: with
    /// <see cref="DirectSocketMode.PerSession"/> sessions stay on PeerConnection. The default can be switched with <c>RTCBENCH_DIRECT_ENGINE=core</c>
    /// (for running the agent and interop suites on it without touching the code that builds the agent).
    /// </summary>
    Core,
}

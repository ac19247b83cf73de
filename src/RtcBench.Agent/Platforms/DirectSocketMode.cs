namespace RtcBench.Agent.Platforms;

/// <summary>How the <c>direct</c> platform's sessions get their UDP socket.</summary>
public enum DirectSocketMode
{
    /// <summary>
    /// One socket per local address shared by every session (one receive thread each), demultiplexed by ICE ufrag
    /// and the remote address (Rtc/Net/UdpMux): the default.
    /// </summary>
    Shared,

    /// <summary>A socket and a receive thread per session, as before the shared socket (kept for comparison).</summary>
    PerSession,
}

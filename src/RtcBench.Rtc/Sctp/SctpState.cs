namespace RtcBench.Rtc.Sctp;

/// <summary>Association states (RFC 9260 §4).</summary>
public enum SctpState
{
    Closed,
    CookieWait,
    CookieEchoed,
    Established,
    ShutdownPending,
    ShutdownSent,
    ShutdownReceived,
    ShutdownAckSent,
}

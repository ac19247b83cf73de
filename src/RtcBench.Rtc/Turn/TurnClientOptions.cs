namespace RtcBench.Rtc.Turn;

/// <summary>Timers of <see cref="TurnClient"/>; the defaults are the RFCs'. All times in nanoseconds.</summary>
public sealed class TurnClientOptions
{
    /// <summary>RTO of the first transmission (RFC 8489 §6.2.1: 500 ms recommended); it doubles on each resend.</summary>
    public long InitialRtoNs { get; init; } = 500 * RtcTime.NsPerMs;

    /// <summary>Rc: transmissions of one request (RFC 8489 §6.2.1: 7).</summary>
    public int MaxTransmissions { get; init; } = 7;

    /// <summary>Rm: after the last transmission, wait Rm × RTO before giving up (RFC 8489 §6.2.1: 16).</summary>
    public int LastWaitMultiplier { get; init; } = 16;

    /// <summary>LIFETIME asked for in Allocate and Refresh, in seconds (RFC 8656 §3.3: 600 by default).</summary>
    public uint RequestedLifetimeSeconds { get; init; } = 600;

    /// <summary>
    /// When to refresh a permission after it was installed: before the 300 s expiry (RFC 8656 §9); one minute early
    /// so a lost request has time for its retransmissions.
    /// </summary>
    public long PermissionRefreshNs { get; init; } = 240 * RtcTime.NsPerSecond;

    /// <summary>When to refresh a channel binding after it was made: before the 600 s expiry (RFC 8656 §12).</summary>
    public long ChannelRefreshNs { get; init; } = 540 * RtcTime.NsPerSecond;

    /// <summary>Fresh nonces (438) accepted for one request before it fails.</summary>
    public int MaxStaleNonceRetries { get; init; } = 3;

    internal void Validate()
    {
        if (InitialRtoNs <= 0 || MaxTransmissions < 1 || LastWaitMultiplier < 1 || RequestedLifetimeSeconds == 0
            || PermissionRefreshNs <= 0 || ChannelRefreshNs <= 0 || MaxStaleNonceRetries < 0)
        {
            throw new ArgumentException("TURN client timers must be positive (and the lifetime non-zero).");
        }
    }
}

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Settings of one <see cref="SctpAssociation"/>. Times are ns. Defaults follow RFC 9260 §16 except where a
/// WebRTC-friendly value is documented.
/// </summary>
public sealed record SctpOptions
{
    public ushort LocalPort { get; init; } = 5000;

    public ushort RemotePort { get; init; } = 5000;

    /// <summary>
    /// Largest SCTP packet we send (common header and chunks). It must fit inside one DTLS record: with
    /// Portable.BouncyCastle and a 1200-byte transport limit the DTLS send limit is 1163, so set 1163 there.
    /// </summary>
    public int MaxPacketSize { get; init; } = 1200;

    /// <summary>Largest user message accepted by <see cref="SctpAssociation.Send"/> (SDP max-message-size).</summary>
    public int MaxMessageSize { get; init; } = 256 * 1024;

    /// <summary>Bytes we buffer for reassembly and ordering; advertised as a_rwnd.</summary>
    public int ReceiveWindow { get; init; } = 1024 * 1024;

    /// <summary>Bytes of user data queued or in flight before <see cref="SctpAssociation.Send"/> refuses more.</summary>
    public int MaxSendBufferBytes { get; init; } = 16 * 1024 * 1024;

    public ushort OutboundStreams { get; init; } = ushort.MaxValue;

    public ushort InboundStreams { get; init; } = ushort.MaxValue;

    /// <summary>RTO.Initial (RFC 9260 §16: 1 s).</summary>
    public long RtoInitialNs { get; init; } = RtcTime.NsPerSecond;

    /// <summary>
    /// RTO.Min. RFC 9260 §16 and RFC 6298 say 1 s; we default to 400 ms because data channels are interactive and a
    /// 1 s floor turns every tail loss into a one-second stall. It stays above our 200 ms delayed-SACK timer plus a
    /// typical RTT so a delayed SACK does not cause a spurious T3-rtx. Set it to 1 s for strict RFC behaviour.
    /// </summary>
    public long RtoMinNs { get; init; } = 400 * RtcTime.NsPerMs;

    /// <summary>RTO.Max (RFC 9260 §16: 60 s).</summary>
    public long RtoMaxNs { get; init; } = 60 * RtcTime.NsPerSecond;

    /// <summary>Association.Max.Retrans (RFC 9260 §16: 10): consecutive timeouts before the peer is declared dead.</summary>
    public int MaxRetransmissions { get; init; } = 10;

    /// <summary>Max.Init.Retransmits (RFC 9260 §16: 8).</summary>
    public int MaxInitRetransmissions { get; init; } = 8;

    /// <summary>HB.interval (RFC 9260 §16: 30 s); a HEARTBEAT is sent after RTO + this much idle time.</summary>
    public long HeartbeatIntervalNs { get; init; } = 30 * RtcTime.NsPerSecond;

    /// <summary>Delayed SACK timer (RFC 9260 §6.2: at most 500 ms; 200 ms is customary).</summary>
    public long DelayedAckNs { get; init; } = 200 * RtcTime.NsPerMs;

    /// <summary>Valid.Cookie.Life (RFC 9260 §16: 60 s).</summary>
    public long CookieLifetimeNs { get; init; } = 60 * RtcTime.NsPerSecond;

    /// <summary>Source of verification tags and initial TSNs; seed it for reproducible simulations.</summary>
    public Random? Random { get; init; }

    /// <summary>HMAC key for state cookies; 32 random bytes per association when null.</summary>
    public byte[]? CookieSecret { get; init; }

    public void Validate()
    {
        var errors = new List<string>();
        if (MaxPacketSize is < 256 or > 65_535)
        {
            errors.Add("MaxPacketSize must be in [256, 65535]");
        }

        if (MaxMessageSize < 1)
        {
            errors.Add("MaxMessageSize must be positive");
        }

        if (ReceiveWindow < MaxPacketSize * 4)
        {
            errors.Add("ReceiveWindow must hold at least 4 packets");
        }

        if (RtoMinNs <= 0 || RtoInitialNs < RtoMinNs || RtoMaxNs < RtoInitialNs)
        {
            errors.Add("RTO bounds must satisfy 0 < RtoMin <= RtoInitial <= RtoMax");
        }

        if (MaxRetransmissions < 1 || MaxInitRetransmissions < 1)
        {
            errors.Add("retransmission limits must be positive");
        }

        if (OutboundStreams == 0 || InboundStreams == 0)
        {
            errors.Add("stream counts must be positive");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid SctpOptions: " + string.Join("; ", errors));
        }
    }
}

namespace RtcBench.Rtc.Net;

/// <summary>What a datagram on a WebRTC 5-tuple carries, by its first byte (RFC 7983 §7, as updated by RFC 9443).</summary>
public enum RtcPacketKind
{
    /// <summary>Empty, or a first byte no protocol of ours uses (ZRTP, RTP/RTCP, QUIC): dropped.</summary>
    Other,

    /// <summary>0..3: STUN (ICE checks and responses).</summary>
    Stun,

    /// <summary>20..63: DTLS records.</summary>
    Dtls,

    /// <summary>64..79: TURN ChannelData (RFC 8656 §12.4), from a TURN server we allocated on.</summary>
    TurnChannel,
}

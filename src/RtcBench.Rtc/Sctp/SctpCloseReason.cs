namespace RtcBench.Rtc.Sctp;

public enum SctpCloseReason
{
    /// <summary>SHUTDOWN / SHUTDOWN-ACK / SHUTDOWN-COMPLETE finished.</summary>
    Shutdown,

    /// <summary>We called <see cref="SctpAssociation.Abort"/>.</summary>
    LocalAbort,

    /// <summary>The peer sent ABORT (an <see cref="SctpAborted"/> event comes first).</summary>
    PeerAbort,

    /// <summary>We sent ABORT because the peer broke the protocol (RFC 9260 §6.2: a DATA chunk with no user data).</summary>
    ProtocolViolation,

    /// <summary>Too many retransmissions (data, INIT, COOKIE-ECHO, SHUTDOWN or heartbeats): peer unreachable.</summary>
    Failed,
}

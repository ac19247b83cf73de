namespace RtcBench.Rtc.Peer;

/// <summary>
/// Why a connection attempt (or a connection) ended, typed: <see cref="PeerOutcome.Cause"/>. The phase says where
/// (<see cref="PeerPhase"/>), this says what happened there, and <see cref="PeerOutcome.Reason"/> keeps the human
/// message with the details (timeouts, endpoints, alert names).
/// </summary>
public enum PeerFailureReason
{
    /// <summary>No ICE connectivity check succeeded within <see cref="PeerConnectionOptions.IceTimeout"/>.</summary>
    IceTimeout,

    /// <summary>The ICE agent gave up (every pair failed, or a role conflict it could not resolve).</summary>
    IceFailed,

    /// <summary>The TURN relay could not be set up or was lost, and ICE cannot go on without it.</summary>
    RelayFailed,

    /// <summary>Consent freshness (RFC 7675) expired on the selected pair.</summary>
    ConsentExpired,

    /// <summary>The DTLS handshake failed (<see cref="PeerOutcome.DtlsFailure"/> says how: timeout, fingerprint, alert…).</summary>
    DtlsHandshakeFailed,

    /// <summary>The peer sent a fatal DTLS alert after the handshake.</summary>
    DtlsPeerAlert,

    /// <summary>The DTLS session ended on an error of our own (e.g. a throwing data handler).</summary>
    DtlsError,

    /// <summary>The DTLS session ended for another reason.</summary>
    DtlsEnded,

    /// <summary>The peer closed DTLS (close_notify), during the handshake or after it.</summary>
    DtlsPeerClosed,

    /// <summary>The SCTP association was not up within <see cref="PeerConnectionOptions.SctpTimeout"/> of DTLS.</summary>
    SctpTimeout,

    /// <summary>The SCTP association failed (retransmissions exhausted: the peer is unreachable).</summary>
    SctpFailed,

    /// <summary>The peer broke an SCTP rule and we aborted the association.</summary>
    SctpProtocolViolation,

    /// <summary>The peer aborted the SCTP association.</summary>
    SctpPeerAbort,

    /// <summary>The peer shut the SCTP association down gracefully.</summary>
    SctpPeerShutdown,

    /// <summary>Closed or disposed here.</summary>
    ClosedLocally,

    /// <summary>A defect inside the stack (the message has the exception).</summary>
    Internal,
}

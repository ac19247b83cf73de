namespace RtcBench.Rtc.Core;

/// <summary>Which ICE core an <see cref="RtcCore"/> runs.</summary>
public enum RtcIceMode
{
    /// <summary><see cref="Ice.IceLiteResponder"/>: answers checks, sends none, always controlled (the echo agent's answerer).</summary>
    Lite,

    /// <summary><see cref="Ice.IceAgent"/>: a full agent, controlling or controlled as <see cref="RtcCoreOptions.IceAgent"/> says.</summary>
    Full,
}

/// <summary>Where an <see cref="RtcCore"/> is in its life.</summary>
public enum RtcCoreState
{
    /// <summary>No input yet: the first input (any kind, a timeout will do) starts ICE at its time.</summary>
    New,

    /// <summary>ICE is checking (full) or waiting for the first valid check (lite).</summary>
    Checking,

    /// <summary>ICE selected a pair; the DTLS handshake runs.</summary>
    Handshaking,

    /// <summary>DTLS is up; the SCTP association is being set up.</summary>
    Associating,

    /// <summary>SCTP is established: channels open and carry messages.</summary>
    Connected,

    /// <summary><see cref="RtcInputKind.Close"/> was given: SCTP shuts down gracefully, then DTLS sends close_notify.</summary>
    Closing,

    /// <summary>Terminal: closed in order (<see cref="RtcCloseReason"/>).</summary>
    Closed,

    /// <summary>Terminal: failed (<see cref="RtcFailureReason"/>).</summary>
    Failed,
}

/// <summary>Why an <see cref="RtcCore"/> failed (<see cref="RtcOutputKind.Failed"/>). Terminal; no free-text parsing needed.</summary>
public enum RtcFailureReason
{
    /// <summary>ICE did not select a pair in time (the full agent's connect timeout, or no valid check reached the lite responder).</summary>
    IceTimeout,

    /// <summary>The full agent gave up before its timeout: every candidate pair failed after end-of-candidates.</summary>
    IceFailed,

    /// <summary>RFC 7675: no proof of consent from the selected pair for the consent timeout (the peer is gone).</summary>
    ConsentExpired,

    /// <summary>The DTLS handshake did not finish within <see cref="RtcCoreOptions.DtlsTimeoutNs"/> of ICE selecting a pair.</summary>
    DtlsTimeout,

    /// <summary>The peer's certificate did not match the fingerprint from its SDP (we sent bad_certificate).</summary>
    DtlsFingerprintMismatch,

    /// <summary>use_srtp could not be agreed (RFC 5764).</summary>
    DtlsSrtpProfileMismatch,

    /// <summary>The peer sent a fatal DTLS alert, during or after the handshake (<see cref="RtcCore.DtlsAlert"/> has its number).</summary>
    DtlsAlert,

    /// <summary>The peer sent close_notify before the handshake finished.</summary>
    DtlsPeerClosed,

    /// <summary>A malformed or unexpected DTLS handshake message, or a parameter we do not support.</summary>
    DtlsProtocolError,

    /// <summary>The SCTP association was not established within <see cref="RtcCoreOptions.SctpTimeoutNs"/> of DTLS connecting.</summary>
    SctpTimeout,

    /// <summary>SCTP gave up: INIT, data, heartbeats or SHUTDOWN not acknowledged after the maximum retransmissions.</summary>
    SctpFailed,

    /// <summary>We aborted SCTP because the peer broke the protocol (e.g. a DATA chunk with no user data).</summary>
    SctpProtocolViolation,

    /// <summary>
    /// The TURN allocation failed or was lost while ICE needed it: under <see cref="RtcCoreOptions.RelayOnly"/>, or
    /// with the relayed pair selected (<see cref="RtcCore.Turn"/>'s <c>Error</c> has the typed TURN error).
    /// </summary>
    RelayFailed,
}

/// <summary>Why an <see cref="RtcCore"/> closed in order (<see cref="RtcOutputKind.Closed"/>).</summary>
public enum RtcCloseReason
{
    /// <summary>We closed (<see cref="RtcInputKind.Close"/>): SCTP shut down (or could not be reached to), close_notify sent.</summary>
    Local,

    /// <summary>The peer shut SCTP down (SHUTDOWN, RFC 9260 §9.2).</summary>
    PeerShutdown,

    /// <summary>The peer aborted SCTP (ABORT).</summary>
    PeerAbort,

    /// <summary>The peer sent DTLS close_notify.</summary>
    PeerCloseNotify,
}

/// <summary>The life of one channel of an <see cref="RtcCore"/>.</summary>
public enum RtcChannelState
{
    /// <summary>Waiting for the association, or (DCEP) for the peer's ACK.</summary>
    Connecting,

    Open,

    /// <summary>Our stream reset is under way (RFC 8831 §6.7).</summary>
    Closing,

    Closed,
}

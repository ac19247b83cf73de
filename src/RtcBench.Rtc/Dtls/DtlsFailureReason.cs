namespace RtcBench.Rtc.Dtls;

/// <summary>Why a DTLS handshake failed; carried by <see cref="DtlsHandshakeException"/>.</summary>
public enum DtlsFailureReason
{
    /// <summary>The peer's certificate did not hash to the fingerprint its SDP announced (or it sent none).</summary>
    FingerprintMismatch,

    /// <summary>The handshake did not finish within <see cref="DtlsSessionOptions.HandshakeTimeout"/>.</summary>
    Timeout,

    /// <summary>The caller's cancellation token fired, or the session was closed or disposed.</summary>
    Cancelled,

    /// <summary>The peer sent a fatal alert (see <see cref="DtlsHandshakeException.AlertDescription"/>).</summary>
    Alert,

    /// <summary>The peer sent close_notify before the handshake finished.</summary>
    PeerClosed,

    /// <summary>
    /// use_srtp (RFC 5764) could not be agreed: the server selected a profile (or an MKI) we did not offer, or
    /// <see cref="DtlsSessionOptions.RequireSrtp"/> is set and the two sides share no profile.
    /// </summary>
    SrtpProfileMismatch,

    /// <summary>Anything else: a malformed or unexpected message, an unsupported parameter, an internal error.</summary>
    ProtocolError,
}

namespace RtcBench.Rtc.Peer;

/// <summary>Where a peer connection failed or ended.</summary>
public enum PeerPhase
{
    /// <summary>ICE connectivity checks: no pair within the timeout, or the agent gave up.</summary>
    Ice,

    /// <summary>The DTLS handshake: timeout, wrong fingerprint, alert.</summary>
    Dtls,

    /// <summary>The SCTP association did not come up in time, or failed (peer unreachable).</summary>
    Sctp,

    /// <summary>Consent freshness (RFC 7675) expired on the selected pair: the peer is gone.</summary>
    Consent,

    /// <summary>The peer closed (SCTP ABORT/SHUTDOWN, DTLS close_notify).</summary>
    PeerClosed,

    /// <summary>Closed or disposed here.</summary>
    LocalClose,

    /// <summary>A defect inside the stack; the reason has the exception message.</summary>
    Internal,
}

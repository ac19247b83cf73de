namespace RtcBench.Rtc.Dtls;

/// <summary>Why a connected session ended (raised once through <see cref="IDtlsTransport.Closed"/>).</summary>
public enum DtlsCloseReason
{
    /// <summary><see cref="IDtlsTransport.Close"/> or Dispose was called here; close_notify was sent.</summary>
    Local,

    /// <summary>The peer sent close_notify (BouncyCastle answers with its own).</summary>
    PeerCloseNotify,

    /// <summary>The peer sent a fatal alert.</summary>
    PeerAlert,

    /// <summary>The transport failed locally (BouncyCastle raised a fatal alert).</summary>
    Error,
}

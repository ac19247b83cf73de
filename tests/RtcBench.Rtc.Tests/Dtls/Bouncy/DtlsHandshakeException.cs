namespace RtcBench.Rtc.Dtls;

/// <summary>A DTLS handshake that ended without a verified, connected session.</summary>
public sealed class DtlsHandshakeException : Exception
{
    public DtlsHandshakeException(DtlsFailureReason reason, string message, int? alertDescription = null, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        AlertDescription = alertDescription;
    }

    public DtlsFailureReason Reason { get; }

    /// <summary>The TLS alert description (RFC 5246 §7.2) received or raised, when one was involved.</summary>
    public int? AlertDescription { get; }
}

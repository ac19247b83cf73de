namespace RtcBench.Rtc.Dtls;

/// <summary>Which side of the DTLS handshake this endpoint plays (SDP <c>a=setup:active</c> is the client).</summary>
public enum DtlsRole
{
    Client,
    Server,
}

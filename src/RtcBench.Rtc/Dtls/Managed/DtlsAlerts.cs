namespace RtcBench.Rtc.Dtls;

/// <summary>The alert descriptions the managed handshake sends (RFC 5246 §7.2.2), and their names.</summary>
internal static class DtlsAlerts
{
    internal const int UnexpectedMessage = 10;
    internal const int BadRecordMac = 20;
    internal const int HandshakeFailure = 40;
    internal const int BadCertificate = 42;
    internal const int IllegalParameter = 47;
    internal const int DecodeError = 50;
    internal const int DecryptError = 51;
    internal const int ProtocolVersion = 70;
    internal const int InternalError = 80;

    /// <summary>"name(number)", as <see cref="DtlsSession.DescribeAlert"/> writes it.</summary>
    internal static string Describe(int description) => DtlsSession.DescribeAlert(description);
}

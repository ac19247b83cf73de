namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The wire constants the managed record layer needs (RFC 5246 §6.2.1, §7.2), as bytes, so that it does not depend
/// on BouncyCastle (whose constants are <c>short</c>).
/// </summary>
internal static class DtlsWire
{
    internal const byte ChangeCipherSpec = 20;
    internal const byte Alert = 21;
    internal const byte Handshake = 22;
    internal const byte ApplicationData = 23;

    internal const byte AlertWarning = 1;
    internal const byte AlertFatal = 2;
    internal const byte CloseNotify = 0;
}

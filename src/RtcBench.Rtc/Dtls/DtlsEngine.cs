namespace RtcBench.Rtc.Dtls;

/// <summary>Which implementation runs a <see cref="DtlsSession"/>'s handshake (<see cref="DtlsSessionOptions.Engine"/>).</summary>
public enum DtlsEngine
{
    /// <summary>
    /// BouncyCastle's blocking DTLS engine on one thread per session during the handshake
    /// (<c>RTCBENCH_DTLS_ENGINE=bouncy</c>); the independent implementation tests check the managed engine against.
    /// </summary>
    Bouncy,

    /// <summary>The managed sans-IO handshake (Dtls/Managed) on .NET's crypto: 0xC02B only, no thread (the default).</summary>
    Managed,
}

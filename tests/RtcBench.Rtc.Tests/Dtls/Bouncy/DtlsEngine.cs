namespace RtcBench.Rtc.Dtls;

/// <summary>Which implementation runs a test-side <see cref="DtlsSession"/>'s handshake (<see cref="DtlsSessionSettings.Engine"/>).</summary>
public enum DtlsEngine
{
    /// <summary>
    /// BouncyCastle's blocking DTLS engine on one thread per session during the handshake: the independent
    /// implementation the tests check the managed engine against. Production never runs it.
    /// </summary>
    Bouncy,

    /// <summary>The production sans-IO handshake (Dtls/Managed) on .NET's crypto: 0xC02B only, no thread (the default).</summary>
    Managed,
}

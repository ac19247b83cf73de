namespace RtcBench.Rtc.Dtls;

/// <summary>Which implementation runs a <see cref="DtlsSession"/>'s handshake (<see cref="DtlsSessionOptions.Engine"/>).</summary>
public enum DtlsEngine
{
    /// <summary>
    /// BouncyCastle's blocking DTLS engine on one thread per session during the handshake
    /// (<c>RTCBENCH_DTLS_ENGINE=bouncy</c> makes it <see cref="DtlsSession"/>'s default); the independent implementation
    /// tests check the managed engine against. The WebRTC stack (<c>RtcCore</c>, <c>PeerConnection</c>) never runs it.
    /// </summary>
    Bouncy,

    /// <summary>The managed sans-IO handshake (Dtls/Managed) on .NET's crypto: 0xC02B only, no thread (the default).</summary>
    Managed,
}

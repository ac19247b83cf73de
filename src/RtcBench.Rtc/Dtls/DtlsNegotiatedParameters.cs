namespace RtcBench.Rtc.Dtls;

/// <summary>What the handshake agreed on, for logs and tests.</summary>
/// <param name="Version">Wire version, e.g. 0xFEFD for DTLS 1.2.</param>
/// <param name="CipherSuite">IANA cipher suite number, e.g. 0xC02B (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).</param>
/// <param name="ExtendedMasterSecret">RFC 7627 extended master secret in use.</param>
/// <param name="PrfAlgorithm">BouncyCastle's PRFAlgorithm value (1 = tls_prf_sha256).</param>
public sealed record DtlsNegotiatedParameters(int Version, int CipherSuite, bool ExtendedMasterSecret, int PrfAlgorithm)
{
    public string VersionName => Version switch
    {
        0xFEFD => "DTLS 1.2",
        0xFEFF => "DTLS 1.0",
        _ => "0x" + Version.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };
}

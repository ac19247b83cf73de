namespace RtcBench.Rtc.Dtls;

/// <summary>What the handshake agreed on, for logs and tests.</summary>
/// <param name="Version">Wire version, e.g. 0xFEFD for DTLS 1.2.</param>
/// <param name="CipherSuite">IANA cipher suite number, e.g. 0xC02B (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).</param>
/// <param name="ExtendedMasterSecret">RFC 7627 extended master secret in use.</param>
/// <param name="PrfAlgorithm">The PRF: 1 = tls_prf_sha256, 2 = tls_prf_sha384, 0 = the legacy MD5/SHA-1 PRF (DTLS 1.0).</param>
public sealed record DtlsNegotiatedParameters(int Version, int CipherSuite, bool ExtendedMasterSecret, int PrfAlgorithm)
{
    /// <summary>The SRTP protection profile use_srtp selected (RFC 5764), or <see cref="DtlsSrtpProfile.None"/>.</summary>
    public DtlsSrtpProfile SrtpProfile { get; init; }

    /// <summary>The IANA name of <see cref="SrtpProfile"/>, e.g. SRTP_AEAD_AES_128_GCM, or "none".</summary>
    public string SrtpProfileName => DtlsSrtpProfiles.Name(SrtpProfile);

    public string VersionName => Version switch
    {
        0xFEFD => "DTLS 1.2",
        0xFEFF => "DTLS 1.0",
        _ => "0x" + Version.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };
}

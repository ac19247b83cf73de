using Org.BouncyCastle.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// BouncyCastle DTLS server: our cipher-suite order wins (0xC02B first), extended master secret required, use_srtp
/// answered with our preferred profile among the client's, and always a CertificateRequest: WebRTC authenticates
/// both sides by certificate fingerprint.
/// </summary>
internal sealed class BcDtlsServer : DefaultTlsServer
{
    private readonly BcPeerState _state;

    internal BcDtlsServer(BcPeerState state)
        : base(state.Crypto)
    {
        _state = state;
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        _state.AnswerSrtp(m_clientExtensions, extensions);
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        BcPeerState.SupportedSignatureAlgorithms(),
        null);

    public override void NotifyClientCertificate(Certificate clientCertificate) => _state.VerifyPeer(clientCertificate);

    public override bool RequiresExtendedMasterSecret() => true;

    public override bool ShouldCheckSigAlgOfPeerCerts() => false;

    public override int GetHandshakeTimeoutMillis() => _state.HandshakeTimeoutMillis;

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _state.AlertRaised(alertLevel, alertDescription);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _state.AlertReceived(alertLevel, alertDescription);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _state.HandshakeComplete(m_context);
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.DownTo(ProtocolVersion.DTLSv10);

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, BcPeerState.CipherSuites);

    /// <summary>0xC02B whenever the client offers it (Chromium also lists TLS 1.3 and CHACHA suites first).</summary>
    protected override bool PreferLocalCipherSuites() => true;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _state.Credentials(m_context);
}

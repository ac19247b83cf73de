using Org.BouncyCastle.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// BouncyCastle DTLS client: DTLS 1.2 (1.0 allowed), ECDHE_ECDSA with 0xC02B first, extended master secret required,
/// use_srtp offered, the server's certificate checked against the SDP fingerprint only.
/// </summary>
internal sealed class BcDtlsClient : DefaultTlsClient
{
    private readonly BcPeerState _state;

    internal BcDtlsClient(BcPeerState state)
        : base(state.Crypto)
    {
        _state = state;
    }

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        _state.OfferSrtp(extensions);
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        _state.AcceptServerSrtp(serverExtensions);
    }

    /// <summary>RFC 7627 everywhere: Chromium, OpenSSL, Pion and werift support it, and the SRTP exporter needs it.</summary>
    public override bool RequiresExtendedMasterSecret() => true;

    /// <summary>Self-signed WebRTC certificates are trusted by fingerprint, whatever algorithm signed them.</summary>
    public override bool ShouldCheckSigAlgOfPeerCerts() => false;

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

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

    private sealed class Authentication(BcDtlsClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            owner._state.VerifyPeer(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            owner._state.Credentials(owner.m_context);
    }
}

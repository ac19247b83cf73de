using Org.BouncyCastle.Crypto.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// BouncyCastle DTLS server as it worked against Chromium 156 (PROTOCOLS.md Q1). Always sends a
/// CertificateRequest: WebRTC authenticates both sides by certificate fingerprint.
/// </summary>
internal sealed class BcDtlsServer : DefaultTlsServer
{
    private readonly BcPeerState _state;

    internal BcDtlsServer(BcPeerState state)
        : base(new ResettingCipherFactory())
    {
        _state = state;
    }

    protected override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv10;

    protected override ProtocolVersion MaximumVersion => ProtocolVersion.DTLSv12;

    protected override int[] GetCipherSuites() => (int[])BcPeerState.CipherSuites.Clone();

    protected override TlsSignerCredentials GetECDsaSignerCredentials() => _state.Credentials(mContext);

    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        BcPeerState.SupportedSignatureAlgorithms(),
        null);

    public override void NotifyClientCertificate(Certificate clientCertificate) => _state.VerifyPeer(clientCertificate);

    public override TlsCipher GetCipher() => _state.WrapCipher(base.GetCipher());

    public override int GetHandshakeTimeoutMillis() => _state.HandshakeTimeoutMillis;

    public override void NotifyAlertRaised(byte alertLevel, byte alertDescription, string message, Exception cause) =>
        _state.AlertRaised(alertLevel, alertDescription);

    public override void NotifyAlertReceived(byte alertLevel, byte alertDescription) =>
        _state.AlertReceived(alertLevel, alertDescription);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _state.HandshakeComplete(mContext);
    }
}

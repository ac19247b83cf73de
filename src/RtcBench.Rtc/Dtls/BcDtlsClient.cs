using System.Collections;
using Org.BouncyCastle.Crypto.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>BouncyCastle DTLS client as it worked against Chromium 156 (PROTOCOLS.md Q1): ECDHE_ECDSA, EMS, P-256.</summary>
internal sealed class BcDtlsClient : DefaultTlsClient
{
    private readonly BcPeerState _state;

    internal BcDtlsClient(BcPeerState state)
        : base(new ResettingCipherFactory())
    {
        _state = state;
    }

    public override ProtocolVersion ClientVersion => ProtocolVersion.DTLSv12;

    public override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv10;

    public override int[] GetCipherSuites() => (int[])BcPeerState.CipherSuites.Clone();

    public override IDictionary GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (!TlsExtensionsUtilities.HasExtendedMasterSecretExtension(extensions))
        {
            TlsExtensionsUtilities.AddExtendedMasterSecretExtension(extensions);
        }

        return extensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

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

    private sealed class Authentication(BcDtlsClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(Certificate serverCertificate) => owner._state.VerifyPeer(serverCertificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            owner._state.Credentials(owner.mContext);
    }
}

using System.Collections;
using Org.BouncyCastle.Crypto.Tls;
using BcHashAlgorithm = Org.BouncyCastle.Crypto.Tls.HashAlgorithm;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// What the BouncyCastle client and server subclasses share: the local identity, the fingerprint check, and what
/// the handshake reported (alerts, negotiated parameters). Written on the DTLS thread, read by the session.
/// </summary>
internal sealed class BcPeerState
{
    /// <summary>ECDHE_ECDSA suites, best first; Chromium 156 picks 0xC02B (PROTOCOLS.md Q1).</summary>
    internal static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private volatile VerifyingCipher? _cipher;
    private volatile DtlsNegotiatedParameters? _negotiated;
    private volatile DtlsRecordKeys? _recordKeys;
    private volatile bool _peerVerified;
    private volatile bool _fingerprintMismatch;
    private volatile bool _closeNotifyReceived;
    private int _fatalAlertReceived = -1;
    private int _fatalAlertRaised = -1;

    internal BcPeerState(DtlsCertificate certificate, DtlsFingerprint remoteFingerprint, int handshakeTimeoutMillis)
    {
        Certificate = certificate;
        RemoteFingerprint = remoteFingerprint;
        HandshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    internal DtlsCertificate Certificate { get; }

    internal DtlsFingerprint RemoteFingerprint { get; }

    internal int HandshakeTimeoutMillis { get; }

    internal VerifyingCipher? Cipher => _cipher;

    internal DtlsNegotiatedParameters? Negotiated => _negotiated;

    /// <summary>
    /// Set when the handshake negotiated 0xC02B: the record keys, captured inside the handshake (BouncyCastle zeroes
    /// the master secret when Connect/Accept returns).
    /// </summary>
    internal DtlsRecordKeys? RecordKeys => _recordKeys;

    internal bool PeerVerified => _peerVerified;

    internal bool FingerprintMismatch => _fingerprintMismatch;

    internal bool CloseNotifyReceived => _closeNotifyReceived;

    /// <summary>The fatal alert description the peer sent, or -1.</summary>
    internal int FatalAlertReceived => Volatile.Read(ref _fatalAlertReceived);

    /// <summary>The fatal alert description we raised, or -1.</summary>
    internal int FatalAlertRaised => Volatile.Read(ref _fatalAlertRaised);

    internal static SignatureAndHashAlgorithm EcdsaSha256 => new(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    internal static IList SupportedSignatureAlgorithms() => new ArrayList
    {
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha256, SignatureAlgorithm.rsa),
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha384, SignatureAlgorithm.rsa),
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha512, SignatureAlgorithm.rsa),
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha1, SignatureAlgorithm.ecdsa),
        new SignatureAndHashAlgorithm(BcHashAlgorithm.sha1, SignatureAlgorithm.rsa),
    };

    internal TlsSignerCredentials Credentials(TlsContext context) =>
        new DefaultTlsSignerCredentials(context, Certificate.BcCertificate, Certificate.PrivateKey, EcdsaSha256);

    /// <summary>
    /// RFC 8827 §6.5: the peer's end-entity certificate must hash to the SDP fingerprint. A mismatch (or no
    /// certificate) raises bad_certificate, which BouncyCastle sends to the peer before failing.
    /// </summary>
    internal void VerifyPeer(Certificate? peer)
    {
        bool ok = peer is not null && !peer.IsEmpty && RemoteFingerprint.Matches(peer.GetCertificateAt(0).GetDerEncoded());
        if (!ok)
        {
            _fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }

        _peerVerified = true;
    }

    internal TlsCipher WrapCipher(TlsCipher inner)
    {
        var cipher = new VerifyingCipher(inner);
        _cipher = cipher;
        return cipher;
    }

    internal void AlertRaised(byte level, byte description)
    {
        if (level == AlertLevel.fatal)
        {
            Interlocked.CompareExchange(ref _fatalAlertRaised, description, -1);
        }
    }

    internal void AlertReceived(byte level, byte description)
    {
        if (level == AlertLevel.fatal)
        {
            Interlocked.CompareExchange(ref _fatalAlertReceived, description, -1);
        }
        else if (description == AlertDescription.close_notify)
        {
            _closeNotifyReceived = true;
        }
    }

    internal void HandshakeComplete(TlsContext context)
    {
        var parameters = context.SecurityParameters;
        var version = context.ServerVersion;
        _negotiated = new DtlsNegotiatedParameters(
            (version.MajorVersion << 8) | version.MinorVersion,
            parameters.CipherSuite,
            parameters.IsExtendedMasterSecret,
            parameters.PrfAlgorithm);
        if (parameters.CipherSuite == DtlsRecordKeys.CipherSuiteAes128GcmSha256 && parameters.MasterSecret is { Length: 48 } master
            && parameters.ClientRandom is { Length: 32 } clientRandom && parameters.ServerRandom is { Length: 32 } serverRandom)
        {
            _recordKeys = DtlsRecordKeys.Derive(context.IsServer ? DtlsRole.Server : DtlsRole.Client, master, clientRandom, serverRandom);
        }
    }
}

using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// What the BouncyCastle client and server subclasses share: the local identity, the fingerprint check, use_srtp,
/// and what the handshake reported (alerts, negotiated parameters, keys). Written on the DTLS thread, read by the
/// session. Owns the session's <see cref="BcDtlsCrypto"/>.
/// </summary>
internal sealed class BcPeerState
{
    /// <summary>ECDHE_ECDSA suites, best first; Chromium 156 and OpenSSL pick 0xC02B (PROTOCOLS.md Q1).</summary>
    internal static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private readonly DtlsSrtpProfile[] _srtpProfiles;
    private volatile BcGuardedCipher? _cipher;
    private volatile DtlsNegotiatedParameters? _negotiated;
    private volatile DtlsRecordKeys? _recordKeys;
    private volatile DtlsSrtpKeyingMaterial? _srtpKeys;
    private volatile string? _srtpFailure;
    private volatile bool _peerVerified;
    private volatile bool _fingerprintMismatch;
    private volatile bool _closeNotifyReceived;
    private int _fatalAlertReceived = -1;
    private int _fatalAlertRaised = -1;
    private DtlsSrtpProfile _srtpProfile;
    private readonly Org.BouncyCastle.Crypto.AsymmetricKeyParameter _privateKey;

    internal BcPeerState(DtlsSessionOptions options, int handshakeTimeoutMillis)
    {
        Certificate = options.Certificate;
        _privateKey = BcCertificates.PrivateKey(options.Certificate);
        RemoteFingerprint = options.RemoteFingerprint;
        HandshakeTimeoutMillis = handshakeTimeoutMillis;
        _srtpProfiles = [.. options.SrtpProfiles];
        RequireSrtp = options.RequireSrtp;
        Crypto = new BcDtlsCrypto(this);
    }

    internal BcDtlsCrypto Crypto { get; }

    internal DtlsCertificate Certificate { get; }

    internal DtlsFingerprint RemoteFingerprint { get; }

    internal int HandshakeTimeoutMillis { get; }

    internal bool RequireSrtp { get; }

    internal BcGuardedCipher? Cipher => _cipher;

    internal DtlsNegotiatedParameters? Negotiated => _negotiated;

    /// <summary>
    /// Set when the handshake negotiated 0xC02B: the record keys, derived inside the handshake (BouncyCastle clears
    /// its security parameters, master secret included, when Connect/Accept returns).
    /// </summary>
    internal DtlsRecordKeys? RecordKeys => _recordKeys;

    /// <summary>Set when use_srtp agreed on a profile: the exported SRTP keys, captured inside the handshake.</summary>
    internal DtlsSrtpKeyingMaterial? SrtpKeys => _srtpKeys;

    /// <summary>Why use_srtp failed the handshake, or null.</summary>
    internal string? SrtpFailure => _srtpFailure;

    internal bool PeerVerified => _peerVerified;

    internal bool FingerprintMismatch => _fingerprintMismatch;

    internal bool CloseNotifyReceived => _closeNotifyReceived;

    /// <summary>The fatal alert description the peer sent, or -1.</summary>
    internal int FatalAlertReceived => Volatile.Read(ref _fatalAlertReceived);

    /// <summary>The fatal alert description we raised, or -1.</summary>
    internal int FatalAlertRaised => Volatile.Read(ref _fatalAlertRaised);

    internal static SignatureAndHashAlgorithm EcdsaSha256 => SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    internal static List<SignatureAndHashAlgorithm> SupportedSignatureAlgorithms() =>
    [
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha256, SignatureAlgorithm.rsa),
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha384, SignatureAlgorithm.rsa),
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha512, SignatureAlgorithm.rsa),
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha1, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.GetInstance(BcHashAlgorithm.sha1, SignatureAlgorithm.rsa),
    ];

    internal TlsCredentialedSigner Credentials(TlsContext context) => new BcDefaultTlsCredentialedSigner(
        new TlsCryptoParameters(context), Crypto, _privateKey, BcCertificates.Chain(Certificate, Crypto), EcdsaSha256);

    /// <summary>
    /// RFC 8827 §6.5: the peer's end-entity certificate must hash to the SDP fingerprint. A mismatch (or no
    /// certificate) raises bad_certificate, which BouncyCastle sends to the peer before failing.
    /// </summary>
    internal void VerifyPeer(Org.BouncyCastle.Tls.Certificate? peer)
    {
        bool ok = peer is not null && !peer.IsEmpty && RemoteFingerprint.Matches(peer.GetCertificateAt(0).GetEncoded());
        if (!ok)
        {
            _fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }

        _peerVerified = true;
    }

    /// <summary>Client: offers our profiles with an empty MKI (RFC 5764 §4.1.1). Nothing when we have none.</summary>
    internal void OfferSrtp(IDictionary<int, byte[]> clientExtensions)
    {
        if (_srtpProfiles.Length > 0)
        {
            TlsSrtpUtilities.AddUseSrtpExtension(clientExtensions, new UseSrtpData(ProfileNumbers(_srtpProfiles), []));
        }
    }

    /// <summary>
    /// Client, on the ServerHello: the server must select exactly one profile we offered, with no MKI (RFC 5764
    /// §4.1.1, §4.1.3); selecting none is accepted unless <see cref="RequireSrtp"/>.
    /// </summary>
    internal void AcceptServerSrtp(IDictionary<int, byte[]>? serverExtensions)
    {
        var answer = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (answer is null)
        {
            if (RequireSrtp)
            {
                throw SrtpMismatch("The DTLS server selected no SRTP profile (use_srtp) and RequireSrtp is set.", AlertDescription.handshake_failure);
            }

            return;
        }

        int[] selected = answer.ProtectionProfiles;
        if (selected.Length != 1 || Array.IndexOf(_srtpProfiles, (DtlsSrtpProfile)selected[0]) < 0)
        {
            string names = string.Join(", ", selected.Select(p => DtlsSrtpProfiles.Name((DtlsSrtpProfile)p)));
            throw SrtpMismatch($"The DTLS server selected SRTP profile(s) [{names}], not one of the offered [{OfferedNames()}].", AlertDescription.illegal_parameter);
        }

        if (answer.Mki.Length > 0)
        {
            throw SrtpMismatch("The DTLS server answered use_srtp with an MKI we did not offer.", AlertDescription.illegal_parameter);
        }

        _srtpProfile = (DtlsSrtpProfile)selected[0];
    }

    /// <summary>
    /// Server, building the ServerHello: selects our most preferred profile among those the client offered and answers
    /// it with an empty MKI. A client that offered none (or none of ours) gets no use_srtp, unless
    /// <see cref="RequireSrtp"/>, which fails the handshake with handshake_failure.
    /// </summary>
    internal void AnswerSrtp(IDictionary<int, byte[]>? clientExtensions, IDictionary<int, byte[]> serverExtensions)
    {
        var offer = clientExtensions is null || _srtpProfiles.Length == 0 ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        var chosen = DtlsSrtpProfile.None;
        if (offer is not null)
        {
            foreach (var profile in _srtpProfiles)
            {
                if (Array.IndexOf(offer.ProtectionProfiles, (int)profile) >= 0)
                {
                    chosen = profile;
                    break;
                }
            }
        }

        if (chosen == DtlsSrtpProfile.None)
        {
            if (RequireSrtp)
            {
                string offered = offer is null ? "no use_srtp" : "[" + string.Join(", ", offer.ProtectionProfiles.Select(p => DtlsSrtpProfiles.Name((DtlsSrtpProfile)p))) + "]";
                throw SrtpMismatch($"The DTLS client offered {offered}; none of [{OfferedNames()}] and RequireSrtp is set.", AlertDescription.handshake_failure);
            }

            return;
        }

        TlsSrtpUtilities.AddUseSrtpExtension(serverExtensions, new UseSrtpData([(int)chosen], []));
        _srtpProfile = chosen;
    }

    internal BcGuardedCipher GuardCipher(TlsCipher inner)
    {
        var cipher = new BcGuardedCipher(inner);
        _cipher = cipher;
        return cipher;
    }

    internal void AlertRaised(short level, short description)
    {
        if (level == AlertLevel.fatal)
        {
            Interlocked.CompareExchange(ref _fatalAlertRaised, description, -1);
        }
    }

    internal void AlertReceived(short level, short description)
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

    /// <summary>
    /// Called from NotifyHandshakeComplete, while the master secret is still alive: records what was agreed and
    /// derives what outlives BouncyCastle's security parameters (the 0xC02B record keys, the SRTP keys). The master
    /// secret itself is never extracted: <c>DeriveUsingPrf</c> and the exporter leave it intact.
    /// </summary>
    internal void HandshakeComplete(TlsContext context)
    {
        var parameters = context.SecurityParameters;
        var role = context.IsServer ? DtlsRole.Server : DtlsRole.Client;
        _negotiated = new DtlsNegotiatedParameters(
            parameters.NegotiatedVersion.FullVersion,
            parameters.CipherSuite,
            parameters.IsExtendedMasterSecret,
            PrfNumber(parameters.PrfAlgorithm))
        {
            SrtpProfile = _srtpProfile,
        };

        if (parameters.CipherSuite == DtlsRecordKeys.CipherSuiteAes128GcmSha256)
        {
            byte[] seed = [.. parameters.ServerRandom, .. parameters.ClientRandom];
            byte[] keyBlock = parameters.MasterSecret
                .DeriveUsingPrf(parameters.PrfAlgorithm, DtlsRecordKeys.KeyExpansionLabel, seed, DtlsRecordKeys.KeyBlockLength)
                .Extract();
            _recordKeys = DtlsRecordKeys.FromKeyBlock(role, keyBlock);
            CryptographicOperations.ZeroMemory(keyBlock);
        }

        if (_srtpProfile != DtlsSrtpProfile.None)
        {
            // RFC 5764 §4.2 / RFC 5705: PRF(master, "EXTRACTOR-dtls_srtp", client_random ‖ server_random), no context.
            byte[] material = context.ExportKeyingMaterial(DtlsSrtpKeyingMaterial.ExporterLabel, null,
                DtlsSrtpProfiles.KeyingMaterialLength(_srtpProfile));
            _srtpKeys = DtlsSrtpKeyingMaterial.FromExporterOutput(_srtpProfile, role, material);
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>Our stable PRF numbering (1 = SHA-256), independent of BouncyCastle's constants.</summary>
    private static int PrfNumber(int bcPrfAlgorithm) => bcPrfAlgorithm switch
    {
        PrfAlgorithm.tls_prf_sha256 => 1,
        PrfAlgorithm.tls_prf_sha384 => 2,
        _ => 0,
    };

    private static int[] ProfileNumbers(DtlsSrtpProfile[] profiles) => [.. profiles.Select(p => (int)p)];

    private string OfferedNames() => string.Join(", ", _srtpProfiles.Select(DtlsSrtpProfiles.Name));

    private TlsFatalAlert SrtpMismatch(string message, short alert)
    {
        _srtpFailure = message;
        return new TlsFatalAlert(alert, message);
    }
}

using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.X509;
using TlsCertificateChain = Org.BouncyCastle.Tls.Certificate;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for WebRTC DTLS (RFC 8827 §6.5): named-curve secp256r1 key (BoringSSL
/// wants a named curve), SHA256withECDSA, random 64-bit serial. Identity is the fingerprint, not the name.
/// </summary>
public sealed class DtlsCertificate
{
    private readonly byte[] _der;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        _der = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.FromCertificateDer(der);
    }

    /// <summary>The certificate's DER encoding.</summary>
    public ReadOnlySpan<byte> Der => _der;

    /// <summary>SHA-256 fingerprint; <c>Fingerprint.ToString()</c> is the SDP value <c>sha-256 AB:CD:…</c>.</summary>
    public DtlsFingerprint Fingerprint { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>
    /// The private key as a .NET <see cref="System.Security.Cryptography.ECDsa"/> (P-256), for the managed handshake
    /// (<see cref="DtlsManagedEngine"/>). The caller disposes it.
    /// </summary>
    internal System.Security.Cryptography.ECDsa CreateSigningKey()
    {
        var d = ((ECPrivateKeyParameters)PrivateKey).D.ToByteArrayUnsigned();
        byte[] scalar = new byte[32];
        d.CopyTo(scalar, 32 - d.Length);
        using var certificate = X509CertificateLoader.LoadCertificate(_der);
        using var publicKey = certificate.GetECDsaPublicKey()
            ?? throw new InvalidOperationException("The certificate has no ECDSA key.");
        var parameters = publicKey.ExportParameters(false);
        parameters.D = scalar;
        return System.Security.Cryptography.ECDsa.Create(parameters);
    }

    /// <summary>The one-certificate chain BouncyCastle sends, bound to a session's <paramref name="crypto"/>.</summary>
    internal TlsCertificateChain ToChain(TlsCrypto crypto) => new([crypto.CreateCertificate(_der)]);

    /// <summary>
    /// Generates a fresh key and certificate valid from one day before now to <paramref name="lifetime"/> after
    /// (default 30 days). <paramref name="clock"/> supplies wall-clock time (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public static DtlsCertificate Generate(TimeProvider? clock = null, TimeSpan? lifetime = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var random = new SecureRandom();

        var keyGenerator = new ECKeyPairGenerator("EC");
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keyPair = keyGenerator.GenerateKeyPair();

        var name = new X509Name("CN=RtcBench");
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now.AddDays(-1));
        generator.SetNotAfter(now.Add(lifetime ?? TimeSpan.FromDays(30)));
        generator.SetPublicKey(keyPair.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));

        return new DtlsCertificate(certificate.GetEncoded(), keyPair.Private);
    }
}

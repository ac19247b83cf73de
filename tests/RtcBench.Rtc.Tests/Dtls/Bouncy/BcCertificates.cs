using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Tls.Crypto;
using TlsCertificateChain = Org.BouncyCastle.Tls.Certificate;

namespace RtcBench.Rtc.Dtls;

/// <summary>A <see cref="DtlsCertificate"/> (made by .NET) as BouncyCastle wants it: its key and its one-certificate chain.</summary>
internal static class BcCertificates
{
    /// <summary>The P-256 private key, as BouncyCastle's parameters on the named curve secp256r1.</summary>
    internal static AsymmetricKeyParameter PrivateKey(DtlsCertificate certificate)
    {
        using var key = certificate.CreateSigningKey();
        byte[] d = key.ExportParameters(includePrivateParameters: true).D!;
        return new ECPrivateKeyParameters("EC", new BigInteger(1, d), SecObjectIdentifiers.SecP256r1);
    }

    /// <summary>The one-certificate chain BouncyCastle sends, bound to a session's <paramref name="crypto"/>.</summary>
    internal static TlsCertificateChain Chain(DtlsCertificate certificate, TlsCrypto crypto) =>
        new([crypto.CreateCertificate(certificate.Der.ToArray())]);
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The public-key operations of the ECDHE_ECDSA handshake on .NET's own crypto: an ephemeral P-256 key and the
/// premaster secret (RFC 4492 §5.10: the x coordinate of the shared point), ECDSA signatures (DER, as TLS 1.2 carries
/// them) and the peer's public key from its certificate. Handshake only.
/// </summary>
internal static class DtlsKeyExchange
{
    /// <summary>A fresh ephemeral P-256 key and its uncompressed point (0x04 ‖ X ‖ Y).</summary>
    internal static ECDiffieHellman CreateEphemeral(out byte[] point)
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        point = EncodePoint(key.ExportParameters(false).Q);
        return key;
    }

    /// <summary>The premaster secret with the peer's uncompressed P-256 point; false if the point is not one.</summary>
    internal static bool TryAgree(ECDiffieHellman local, ReadOnlySpan<byte> peerPoint, out byte[] preMaster)
    {
        preMaster = [];
        if (peerPoint.Length != 65 || peerPoint[0] != 0x04)
        {
            return false;
        }

        try
        {
            var parameters = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = peerPoint.Slice(1, 32).ToArray(), Y = peerPoint.Slice(33, 32).ToArray() },
            };
            using var peer = ECDiffieHellman.Create(parameters); // validates the point is on the curve
            preMaster = local.DeriveRawSecretAgreement(peer.PublicKey);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>ECDSA with SHA-256 over <paramref name="data"/>, DER-encoded (RFC 4492 §5.4).</summary>
    internal static byte[] Sign(ECDsa key, ReadOnlySpan<byte> data) =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Verifies a DER ECDSA signature under one of the ecdsa_* signature schemes; false for anything else.</summary>
    internal static bool Verify(ECDsa key, int scheme, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var hash = scheme switch
        {
            DtlsHandshakeType.EcdsaSecp256r1Sha256 => HashAlgorithmName.SHA256,
            DtlsHandshakeType.EcdsaSecp384r1Sha384 => HashAlgorithmName.SHA384,
            DtlsHandshakeType.EcdsaSecp521r1Sha512 => HashAlgorithmName.SHA512,
            _ => default,
        };
        if (hash == default)
        {
            return false;
        }

        try
        {
            return key.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The ECDSA public key of a DER certificate, or null when it is not a parsable ECDSA certificate.</summary>
    internal static ECDsa? PublicKeyOf(byte[] der)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return certificate.GetECDsaPublicKey();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static byte[] EncodePoint(ECPoint q)
    {
        byte[] point = new byte[65];
        point[0] = 0x04;
        q.X!.CopyTo(point, 1);
        q.Y!.CopyTo(point, 33);
        return point;
    }
}

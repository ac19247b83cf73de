using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for WebRTC DTLS (RFC 8827 §6.5), made with .NET's
/// <see cref="CertificateRequest"/>: named-curve secp256r1 key (BoringSSL wants a named curve), ecdsa-with-SHA256,
/// random positive 62-bit serial, no extensions. Identity is the fingerprint, not the name.
/// </summary>
public sealed class DtlsCertificate
{
    private readonly byte[] _der;
    private readonly ECParameters _key;

    private DtlsCertificate(byte[] der, ECParameters key)
    {
        _der = der;
        _key = key;
        Fingerprint = DtlsFingerprint.FromCertificateDer(der);
    }

    /// <summary>The certificate's DER encoding.</summary>
    public ReadOnlySpan<byte> Der => _der;

    /// <summary>SHA-256 fingerprint; <c>Fingerprint.ToString()</c> is the SDP value <c>sha-256 AB:CD:…</c>.</summary>
    public DtlsFingerprint Fingerprint { get; }

    /// <summary>
    /// The private key as a new .NET <see cref="ECDsa"/> (P-256), for one managed handshake
    /// (<see cref="DtlsManagedEngine"/>). The caller disposes it.
    /// </summary>
    internal ECDsa CreateSigningKey() => ECDsa.Create(_key);

    /// <summary>
    /// Generates a fresh key and certificate valid from one day before now to <paramref name="lifetime"/> after
    /// (default 30 days). <paramref name="clock"/> supplies wall-clock time (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public static DtlsCertificate Generate(TimeProvider? clock = null, TimeSpan? lifetime = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=RtcBench", key, HashAlgorithmName.SHA256);

        // RFC 5280 §4.1.2.2: a positive integer. Eight random bytes, the top bit clear (positive) and the next set
        // (never zero, always eight bytes in DER).
        Span<byte> serial = stackalloc byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] = (byte)((serial[0] & 0x3F) | 0x40);

        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key),
            now.AddDays(-1), now.Add(lifetime ?? TimeSpan.FromDays(30)), serial);
        return new DtlsCertificate(certificate.RawData, key.ExportParameters(includePrivateParameters: true));
    }
}

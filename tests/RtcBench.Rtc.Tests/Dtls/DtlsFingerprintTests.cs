using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

public sealed partial class DtlsFingerprintTests
{
    [GeneratedRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$")]
    private static partial Regex SdpFingerprint();

    [Fact]
    public void Generate_Always_FingerprintIsSdpFormattedSha256OfDer()
    {
        var certificate = DtlsCertificate.Generate();

        string text = certificate.Fingerprint.ToString();

        Assert.Matches(SdpFingerprint(), text);
        string expected = "sha-256 " + string.Join(':', SHA256.HashData(certificate.Der).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected, text);
        Assert.True(certificate.Fingerprint.Matches(certificate.Der));
    }

    [Fact]
    public void Generate_Twice_CertificatesAndFingerprintsDiffer()
    {
        var a = DtlsCertificate.Generate();
        var b = DtlsCertificate.Generate();

        Assert.False(a.Der.SequenceEqual(b.Der));
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.False(a.Fingerprint.Matches(b.Der));
    }

    [Fact]
    public void Generate_Always_IsEcdsaP256NamedCurveSelfSignedAndCurrentlyValid()
    {
        var certificate = DtlsCertificate.Generate();

        using var x509 = X509CertificateLoader.LoadCertificate(certificate.Der.ToArray());
        using var key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        var parameters = key!.ExportParameters(false);
        Assert.True(parameters.Curve.IsNamed);
        Assert.Equal("1.2.840.10045.3.1.7", parameters.Curve.Oid.Value); // secp256r1 / nistP256
        Assert.Equal("1.2.840.10045.4.3.2", x509.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.Equal(x509.Subject, x509.Issuer);
        Assert.True(x509.NotBefore.ToUniversalTime() < DateTime.UtcNow && DateTime.UtcNow < x509.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void Generate_AtAGivenTime_ValidFromADayBeforeForTheLifetimeWithAPositiveSerialAndNoExtensions()
    {
        var clock = new ManualClock();
        var now = clock.GetUtcNow();

        var certificate = DtlsCertificate.Generate(clock, TimeSpan.FromDays(7));

        using var x509 = X509CertificateLoader.LoadCertificate(certificate.Der.ToArray());
        Assert.Equal(now.AddDays(-1).UtcDateTime, x509.NotBefore.ToUniversalTime());
        Assert.Equal(now.AddDays(7).UtcDateTime, x509.NotAfter.ToUniversalTime());
        Assert.Equal("CN=RtcBench", x509.Subject);
        Assert.Equal(3, x509.Version);
        Assert.Empty(x509.Extensions);
        byte[] serial = x509.SerialNumberBytes.ToArray();
        Assert.Equal(8, serial.Length);
        Assert.Equal(0x40, serial[0] & 0xC0); // Positive (top bit clear) and eight bytes long.
        using var byDefault = X509CertificateLoader.LoadCertificate(DtlsCertificate.Generate(clock).Der.ToArray());
        Assert.Equal(now.AddDays(30).UtcDateTime, byDefault.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void Generate_Always_SigningKeyIsTheCertificatesKeyAndBouncyCastleVerifiesTheSignature()
    {
        var certificate = DtlsCertificate.Generate();
        byte[] message = "transcript"u8.ToArray();

        using var signing = certificate.CreateSigningKey();
        byte[] signature = signing.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        // BouncyCastle, the independent implementation, parses the certificate .NET made and checks the self-signature
        // and a signature by the key the managed handshake signs with.
        var parsed = new Org.BouncyCastle.X509.X509Certificate(certificate.Der.ToArray());
        parsed.Verify(parsed.GetPublicKey());
        var verifier = Org.BouncyCastle.Security.SignerUtilities.GetSigner("SHA256WITHECDSA");
        verifier.Init(false, parsed.GetPublicKey());
        verifier.BlockUpdate(message, 0, message.Length);
        Assert.True(verifier.VerifySignature(signature));
    }

    [Fact]
    public void DescribeAlert_AllDescriptions_NameThemAsBouncyCastleDoes()
    {
        for (int description = 0; description < 256; description++)
        {
            Assert.Equal(Org.BouncyCastle.Tls.AlertDescription.GetText((short)description), DtlsAlerts.Describe(description));
        }
    }

    [Fact]
    public void TryParse_RoundTripAndLowerCase_EqualsOriginal()
    {
        var fingerprint = DtlsCertificate.Generate().Fingerprint;

        Assert.True(DtlsFingerprint.TryParse(fingerprint.ToString(), out var parsed));
        Assert.True(DtlsFingerprint.TryParse("  SHA-256   " + fingerprint.ToString()[8..].ToLowerInvariant() + " ", out var lower));
        Assert.Equal(fingerprint, parsed);
        Assert.Equal(fingerprint, lower);
        Assert.Equal(fingerprint.ToString(), lower!.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("sha-1 AB:CD")]
    [InlineData("sha-256 AB:CD:EF")]
    [InlineData("sha-256 ZZ:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00")]
    [InlineData("sha-256 00-00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00")]
    [InlineData("sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00")]
    [InlineData("sha-512 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00")]
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(DtlsFingerprint.TryParse(text, out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public void TryParse_RandomText_NeverThrows()
    {
        var random = new Random(1234);
        const string alphabet = "sha-256 0123456789abcdefABCDEF:;- \t\u00e9";
        for (int i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 110)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            _ = DtlsFingerprint.TryParse(new string(chars), out _);
        }
    }
}

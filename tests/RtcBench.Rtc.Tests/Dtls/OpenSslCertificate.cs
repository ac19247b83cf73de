using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate made by the OpenSSL command line (<c>openssl ecparam</c>, <c>openssl req</c>)
/// in a temporary directory, with the SHA-256 fingerprint OpenSSL itself prints (<c>openssl x509 -fingerprint</c>),
/// which is what a peer's SDP would carry. Dispose removes the directory.
/// </summary>
internal sealed class OpenSslCertificate : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private OpenSslCertificate(string directory, DtlsFingerprint fingerprint)
    {
        Directory = directory;
        Fingerprint = fingerprint;
    }

    internal string Directory { get; }

    internal string KeyPath => Path.Combine(Directory, "key.pem");

    internal string CertificatePath => Path.Combine(Directory, "cert.pem");

    /// <summary>The fingerprint as OpenSSL printed it ("sha256 Fingerprint=AB:CD:…"), parsed.</summary>
    internal DtlsFingerprint Fingerprint { get; }

    internal static async Task<OpenSslCertificate> CreateAsync()
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("rtcbench-openssl-").FullName;
        try
        {
            string key = Path.Combine(directory, "key.pem");
            string cert = Path.Combine(directory, "cert.pem");
            await OpenSslProcess.RunAsync(CommandTimeout, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key);
            await OpenSslProcess.RunAsync(CommandTimeout, "req", "-new", "-x509", "-key", key, "-out", cert, "-days", "2",
                "-subj", "/CN=openssl-interop", "-sha256");
            string printed = await OpenSslProcess.RunAsync(CommandTimeout, "x509", "-in", cert, "-noout", "-fingerprint", "-sha256");
            const string marker = "sha256 Fingerprint=";
            int at = printed.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at < 0 || !DtlsFingerprint.TryParse("sha-256 " + printed[(at + marker.Length)..].Trim(), out var fingerprint))
            {
                throw new InvalidOperationException("openssl x509 printed no SHA-256 fingerprint: " + printed);
            }

            return new OpenSslCertificate(directory, fingerprint!);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }
}

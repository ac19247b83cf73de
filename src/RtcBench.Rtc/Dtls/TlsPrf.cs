using System.Security.Cryptography;
using System.Text;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The TLS 1.2 PRF with SHA-256 (RFC 5246 §5): <c>PRF(secret, label, seed) = P_SHA256(secret, label ‖ seed)</c>,
/// where <c>P_hash</c> chains <c>A(i) = HMAC(secret, A(i-1))</c> and outputs <c>HMAC(secret, A(i) ‖ label ‖ seed)</c>.
/// Used once per session, to expand the master secret into record keys (RFC 5246 §6.3).
/// </summary>
internal static class TlsPrf
{
    internal static void Sha256(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        byte[] labelSeed = new byte[Encoding.ASCII.GetByteCount(label) + seed.Length];
        int labelLength = Encoding.ASCII.GetBytes(label, labelSeed);
        seed.CopyTo(labelSeed.AsSpan(labelLength));

        Span<byte> a = stackalloc byte[32];
        HMACSHA256.HashData(secret, labelSeed, a); // A(1)
        byte[] aAndSeed = new byte[32 + labelSeed.Length];
        labelSeed.CopyTo(aAndSeed, 32);
        Span<byte> block = stackalloc byte[32];
        int written = 0;
        while (written < output.Length)
        {
            a.CopyTo(aAndSeed);
            HMACSHA256.HashData(secret, aAndSeed, block);
            int n = Math.Min(block.Length, output.Length - written);
            block[..n].CopyTo(output[written..]);
            written += n;
            HMACSHA256.HashData(secret, a, a); // A(i+1)
        }

        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(aAndSeed);
    }
}

using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// A certificate fingerprint as carried by SDP <c>a=fingerprint:sha-256 AB:CD:…</c> (RFC 8122 §5): SHA-256 of the
/// certificate's DER. Only sha-256 is supported (it is what Chromium sends). Comparison is constant-time.
/// </summary>
public sealed class DtlsFingerprint : IEquatable<DtlsFingerprint>
{
    public const string Sha256Algorithm = "sha-256";

    private const int HashLength = 32;

    private readonly byte[] _hash;

    private DtlsFingerprint(byte[] hash) => _hash = hash;

    /// <summary>Always <see cref="Sha256Algorithm"/>.</summary>
    public string Algorithm => Sha256Algorithm;

    /// <summary>The 32-byte SHA-256 digest.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    public static DtlsFingerprint FromCertificateDer(ReadOnlySpan<byte> der) => new(SHA256.HashData(der));

    /// <summary>
    /// Parses the value of an SDP fingerprint attribute, <c>"sha-256 AB:CD:…"</c> (32 colon-separated hex pairs).
    /// The algorithm token and the hex digits are case-insensitive; surrounding whitespace is ignored. Never throws.
    /// </summary>
    public static bool TryParse(string? text, out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null)
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        int space = span.IndexOfAny(' ', '\t');
        if (space <= 0 || !span[..space].Equals(Sha256Algorithm, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hex = span[(space + 1)..].TrimStart();
        if (hex.Length != (HashLength * 3) - 1)
        {
            return false;
        }

        var hash = new byte[HashLength];
        for (int i = 0; i < HashLength; i++)
        {
            int at = i * 3;
            if (i > 0 && hex[at - 1] != ':')
            {
                return false;
            }

            int hi = HexValue(hex[at]);
            int lo = HexValue(hex[at + 1]);
            if (hi < 0 || lo < 0)
            {
                return false;
            }

            hash[i] = (byte)((hi << 4) | lo);
        }

        fingerprint = new DtlsFingerprint(hash);
        return true;
    }

    /// <summary>True when <paramref name="der"/> hashes to this fingerprint (constant-time compare).</summary>
    public bool Matches(ReadOnlySpan<byte> der)
    {
        Span<byte> actual = stackalloc byte[HashLength];
        SHA256.HashData(der, actual);
        return CryptographicOperations.FixedTimeEquals(actual, _hash);
    }

    public bool Equals(DtlsFingerprint? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_hash, other._hash);

    public override bool Equals(object? obj) => Equals(obj as DtlsFingerprint);

    public override int GetHashCode() => BitConverter.ToInt32(_hash, 0);

    /// <summary>The SDP attribute value: <c>sha-256 AB:CD:…</c>, upper-case hex.</summary>
    public override string ToString() =>
        string.Create(Sha256Algorithm.Length + 1 + (HashLength * 3) - 1, _hash, static (dest, hash) =>
        {
            Sha256Algorithm.AsSpan().CopyTo(dest);
            int at = Sha256Algorithm.Length;
            dest[at++] = ' ';
            for (int i = 0; i < hash.Length; i++)
            {
                if (i > 0)
                {
                    dest[at++] = ':';
                }

                dest[at++] = HexDigit(hash[i] >> 4);
                dest[at++] = HexDigit(hash[i] & 0xF);
            }
        });

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}

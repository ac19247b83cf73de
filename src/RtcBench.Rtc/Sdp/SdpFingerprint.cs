namespace RtcBench.Rtc.Sdp;

/// <summary>
/// <c>a=fingerprint:&lt;hash-func&gt; &lt;fingerprint&gt;</c> (RFC 8122 §5): the hash of the DTLS certificate, as
/// colon-separated upper-case hex pairs. The algorithm is compared case-insensitively; WebRTC uses <c>sha-256</c>.
/// </summary>
public sealed record SdpFingerprint(string Algorithm, string Value)
{
    public const string Sha256 = "sha-256";

    /// <summary>Parses the attribute value (<c>sha-256 AB:CD:…</c>). Never throws.</summary>
    public static bool TryParse(string? value, out SdpFingerprint? fingerprint)
    {
        fingerprint = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !IsHexPairs(parts[1]))
        {
            return false;
        }

        fingerprint = new SdpFingerprint(parts[0], parts[1]);
        return true;
    }

    /// <summary>Whether the certificate hash <paramref name="hash"/> is this fingerprint (hex compared without case).</summary>
    public bool Matches(ReadOnlySpan<byte> hash) => string.Equals(Format(hash), Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Formats a hash the way SDP carries it: <c>AB:CD:…</c>.</summary>
    public static string Format(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash) switch
    {
        "" => "",
        var hex => string.Join(':', hex.Chunk(2).Select(pair => new string(pair))),
    };

    /// <summary>The attribute value: <c>sha-256 AB:CD:…</c>.</summary>
    public override string ToString() => Algorithm + " " + Value;

    private static bool IsHexPairs(string text)
    {
        // 2 hex digits, then (":" 2 hex digits)*, RFC 8122 §5.
        if (text.Length % 3 != 2)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var ok = i % 3 == 2 ? text[i] == ':' : char.IsAsciiHexDigit(text[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}

using System.Globalization;
using System.Net;
using System.Text;

namespace RtcBench.Rtc.Sdp;

/// <summary>
/// One ICE candidate, as in <c>a=candidate:</c> lines and trickle messages (RFC 8839 §5.1):
/// <c>foundation component transport priority address port typ type [raddr a] [rport p] [tcptype t] *(name value)</c>.
/// The address is an IP literal or an mDNS name (<c>&lt;uuid&gt;.local</c>, RFC 8839 §5.1 allows an FQDN).
/// </summary>
public sealed record IceCandidateLine(
    string Foundation,
    int Component,
    string Transport,
    uint Priority,
    string Address,
    int Port,
    IceCandidateType Type,
    string? RelatedAddress = null,
    int? RelatedPort = null,
    string? TcpType = null,
    EquatableArray<IceCandidateExtension> Extensions = default)
{
    /// <summary>Lines longer than this are refused (a real one is about 150 characters).</summary>
    public const int MaxLength = 2048;

    private const string AttributePrefix = "a=";
    private const string CandidatePrefix = "candidate:";

    /// <summary>An mDNS host name such as Chromium uses to hide local addresses.</summary>
    public bool IsMdns => Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    public bool IsUdp => string.Equals(Transport, "udp", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of extension <paramref name="name"/> (for example <c>ufrag</c>), or null.</summary>
    public string? GetExtension(string name)
    {
        foreach (var extension in Extensions)
        {
            if (string.Equals(extension.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return extension.Value;
            }
        }

        return null;
    }

    /// <summary>The address as an IP, false for an mDNS or other host name.</summary>
    public bool TryGetIPAddress(out IPAddress? address)
    {
        address = null;
        return !IsMdns && (Address.Contains(':', StringComparison.Ordinal) || Address.Count(c => c == '.') == 3)
            && IPAddress.TryParse(Address, out address);
    }

    /// <summary>
    /// Parses <c>a=candidate:…</c>, <c>candidate:…</c> (trickle) or the bare attribute value. Never throws; false for
    /// anything that does not follow the grammar.
    /// </summary>
    public static bool TryParse(string? text, out IceCandidateLine? candidate)
    {
        candidate = null;
        if (text is null || text.Length > MaxLength)
        {
            return false;
        }

        var body = text.AsSpan().Trim();
        if (body.StartsWith(AttributePrefix, StringComparison.Ordinal))
        {
            body = body[AttributePrefix.Length..];
        }

        if (body.StartsWith(CandidatePrefix, StringComparison.OrdinalIgnoreCase))
        {
            body = body[CandidatePrefix.Length..];
        }

        var t = body.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length < 8 || (t.Length - 8) % 2 != 0
            || !IsFoundation(t[0])
            || !TryParseNumber(t[1], 3, out var component) || component is < 1 or > 256
            || !IsToken(t[2])
            || !TryParseNumber(t[3], 10, out var priority) || priority > uint.MaxValue
            || !IsToken(t[4])
            || !TryParsePort(t[5], out var port)
            || !string.Equals(t[6], "typ", StringComparison.OrdinalIgnoreCase)
            || !TryParseType(t[7], out var type))
        {
            return false;
        }

        string? relatedAddress = null;
        int? relatedPort = null;
        string? tcpType = null;
        var extensions = new List<IceCandidateExtension>();
        for (var i = 8; i < t.Length; i += 2)
        {
            string name = t[i], value = t[i + 1];
            if (!IsToken(name) || !IsToken(value))
            {
                return false;
            }

            switch (name)
            {
                case "raddr":
                    relatedAddress = value;
                    break;
                case "rport":
                    if (!TryParsePort(value, out var rport))
                    {
                        return false;
                    }

                    relatedPort = rport;
                    break;
                case "tcptype":
                    tcpType = value;
                    break;
                default:
                    extensions.Add(new IceCandidateExtension(name, value));
                    break;
            }
        }

        candidate = new IceCandidateLine(
            t[0], (int)component, t[2], (uint)priority, t[4], port, type, relatedAddress, relatedPort, tcpType,
            new EquatableArray<IceCandidateExtension>(extensions));
        return true;
    }

    /// <summary>
    /// Whether a trickled candidate string marks the end of candidates rather than a candidate: an empty string
    /// (W3C RTCIceCandidateInit with <c>candidate: ""</c>) or <c>end-of-candidates</c> with or without <c>a=</c>
    /// (RFC 8840 §8.2). Janus' <c>{"completed":true}</c> and LiveKit's <c>final</c> flag are signalled beside it.
    /// </summary>
    public static bool IsEndOfCandidates(string? text)
    {
        var body = text.AsSpan().Trim();
        if (body.StartsWith(AttributePrefix, StringComparison.Ordinal))
        {
            body = body[AttributePrefix.Length..];
        }

        return body.IsEmpty || body.Equals(SdpNames.EndOfCandidates, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The attribute value, without <c>candidate:</c>: <c>1 1 udp 2130706431 127.0.0.1 5000 typ host</c>.</summary>
    public string ToAttributeValue()
    {
        var sb = new StringBuilder(160);
        sb.Append(Foundation).Append(' ')
            .Append(Component.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Transport).Append(' ')
            .Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Address).Append(' ')
            .Append(Port.ToString(CultureInfo.InvariantCulture))
            .Append(" typ ").Append(FormatType(Type));
        if (RelatedAddress is not null)
        {
            sb.Append(" raddr ").Append(RelatedAddress);
        }

        if (RelatedPort is { } rport)
        {
            sb.Append(" rport ").Append(rport.ToString(CultureInfo.InvariantCulture));
        }

        if (TcpType is not null)
        {
            sb.Append(" tcptype ").Append(TcpType);
        }

        foreach (var extension in Extensions)
        {
            sb.Append(' ').Append(extension.Name).Append(' ').Append(extension.Value);
        }

        return sb.ToString();
    }

    /// <summary>The trickle form (RTCIceCandidateInit.candidate): <c>candidate:…</c>.</summary>
    public string ToTrickleString() => CandidatePrefix + ToAttributeValue();

    /// <summary>The SDP line body as an attribute.</summary>
    public SdpAttribute ToAttribute() => new(SdpNames.Candidate, ToAttributeValue());

    public override string ToString() => ToTrickleString();

    public static string FormatType(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        IceCandidateType.Relay => "relay",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown candidate type."),
    };

    private static bool TryParseType(string text, out IceCandidateType type)
    {
        switch (text.ToUpperInvariant())
        {
            case "HOST":
                type = IceCandidateType.Host;
                return true;
            case "SRFLX":
                type = IceCandidateType.ServerReflexive;
                return true;
            case "PRFLX":
                type = IceCandidateType.PeerReflexive;
                return true;
            case "RELAY":
                type = IceCandidateType.Relay;
                return true;
            default:
                type = default;
                return false;
        }
    }

    private static bool TryParseNumber(string text, int maxDigits, out ulong value)
    {
        value = 0;
        return text.Length <= maxDigits && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        if (!TryParseNumber(text, 5, out var value) || value > 65535)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    // foundation = 1*32 ice-char; ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.1).
    private static bool IsFoundation(string text)
    {
        if (text.Length is 0 or > 32)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        return true;
    }

    // Printable ASCII without blanks (addresses, transports, extension names and values).
    private static bool IsToken(string text)
    {
        foreach (var c in text)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}

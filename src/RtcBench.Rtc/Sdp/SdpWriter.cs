using System.Globalization;
using System.Text;

namespace RtcBench.Rtc.Sdp;

/// <summary>
/// Writes a <see cref="SessionDescription"/> as SDP text with CRLF line ends, lines in RFC 8866 order
/// (<c>v o s i u e p c b t r z k a</c>, then per section <c>m i c b k a</c>) and attributes in model order.
/// </summary>
public static class SdpWriter
{
    private const string SessionHeadTypes = "iuep";
    private const string SessionBandwidthTypes = "b";
    private const string MediaHeadTypes = "i";
    private const string MediaBandwidthTypes = "bk";

    public static string Write(SessionDescription sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var sb = new StringBuilder(1024);
        Line(sb, 'v', "0");
        var o = sdp.Origin;
        Line(sb, 'o', string.Join(' ', o.Username, U(o.SessionId), U(o.SessionVersion), o.NetType, o.AddressType, o.Address));
        Line(sb, 's', sdp.SessionName);
        Others(sb, sdp.OtherLines, SessionHeadTypes, include: true);
        if (sdp.Connection is { } c)
        {
            Line(sb, 'c', c.ToString());
        }

        Others(sb, sdp.OtherLines, SessionBandwidthTypes, include: true);
        Line(sb, 't', sdp.Timing);
        Others(sb, sdp.OtherLines, SessionHeadTypes + SessionBandwidthTypes, include: false);
        Attributes(sb, sdp.Attributes);
        foreach (var media in sdp.Media)
        {
            WriteMedia(sb, media);
        }

        return sb.ToString();
    }

    private static void WriteMedia(StringBuilder sb, SdpMediaSection media)
    {
        var port = U((ulong)media.Port) + (media.PortCount is { } count ? "/" + U((ulong)count) : "");
        Line(sb, 'm', media.Kind + " " + port + " " + media.Proto + " " + string.Join(' ', media.Formats));
        Others(sb, media.OtherLines, MediaHeadTypes, include: true);
        if (media.Connection is { } c)
        {
            Line(sb, 'c', c.ToString());
        }

        Others(sb, media.OtherLines, MediaBandwidthTypes, include: true);
        Others(sb, media.OtherLines, MediaHeadTypes + MediaBandwidthTypes, include: false);
        Attributes(sb, media.Attributes);
    }

    private static void Attributes(StringBuilder sb, EquatableArray<SdpAttribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            Line(sb, 'a', attribute.ToString());
        }
    }

    private static void Others(StringBuilder sb, EquatableArray<SdpLine> lines, string types, bool include)
    {
        foreach (var line in lines)
        {
            if (types.Contains(line.Type, StringComparison.Ordinal) == include)
            {
                Line(sb, line.Type, line.Value);
            }
        }
    }

    private static void Line(StringBuilder sb, char type, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"SDP {type}= value contains a line break.", nameof(value));
        }

        sb.Append(type).Append('=').Append(value).Append("\r\n");
    }

    private static string U(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

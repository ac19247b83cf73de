using System.Globalization;

namespace RtcBench.Rtc.Sdp;

/// <summary>What <see cref="SdpParser"/> has read so far; media-level lines go to the last <c>m=</c> section.</summary>
internal sealed class SdpParseState
{
    private readonly List<SdpAttribute> _attributes = [];
    private readonly List<SdpLine> _otherLines = [];
    private readonly List<SdpMediaSection> _media = [];
    private SdpOrigin? _origin;
    private string? _sessionName;
    private string? _timing;
    private SdpConnection? _connection;

    private SdpMediaSection? _current;
    private List<SdpAttribute> _currentAttributes = [];
    private List<SdpLine> _currentOtherLines = [];

    public bool TryAdd(char type, string value, out string error)
    {
        error = "";
        switch (type)
        {
            case 'v':
                error = "v= may appear only once, first";
                return false;
            case 'm':
                if (_media.Count + (_current is null ? 0 : 1) >= SdpParser.MaxMediaSections)
                {
                    error = $"more than {SdpParser.MaxMediaSections} media sections";
                    return false;
                }

                FlushMedia();
                return TryParseMedia(value, out _current, out error);
            case 'a':
                return TryParseAttribute(value, _current is null ? _attributes : _currentAttributes, out error);
            case 'c':
                if (!TryParseConnection(value, out var connection, out error))
                {
                    return false;
                }

                if (_current is not null)
                {
                    _current = _current with { Connection = connection };
                }
                else
                {
                    _connection = connection;
                }

                return true;
            case 'o' when _current is null && _origin is null:
                return TryParseOrigin(value, out _origin, out error);
            case 's' when _current is null && _sessionName is null:
                _sessionName = value;
                return true;
            case 't' when _current is null && _timing is null:
                _timing = value;
                return true;
            case 'o' or 's':
                error = $"unexpected or repeated {type}= line";
                return false;
            default:
                (_current is null ? _otherLines : _currentOtherLines).Add(new SdpLine(type, value));
                return true;
        }
    }

    public bool TryBuild(SdpType type, out SessionDescription? sdp, out string error)
    {
        sdp = null;
        FlushMedia();
        error = _origin is null ? "missing o= line"
            : _sessionName is null ? "missing s= line"
            : _timing is null ? "missing t= line"
            : _media.Count == 0 ? "no m= line: a WebRTC description needs at least one media section"
            : "";
        if (error.Length > 0)
        {
            return false;
        }

        sdp = new SessionDescription(
            type, _origin!, _sessionName!, _timing!, _connection,
            new EquatableArray<SdpAttribute>(_attributes),
            new EquatableArray<SdpMediaSection>(_media),
            new EquatableArray<SdpLine>(_otherLines));
        return true;
    }

    private void FlushMedia()
    {
        if (_current is null)
        {
            return;
        }

        _media.Add(_current with
        {
            Attributes = new EquatableArray<SdpAttribute>(_currentAttributes),
            OtherLines = new EquatableArray<SdpLine>(_currentOtherLines),
        });
        _current = null;
        _currentAttributes = [];
        _currentOtherLines = [];
    }

    private static bool TryParseAttribute(string value, List<SdpAttribute> target, out string error)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? value.Trim() : value[..colon];
        if (name.Length == 0 || name.Contains(' ', StringComparison.Ordinal))
        {
            error = "attribute without a name";
            return false;
        }

        target.Add(new SdpAttribute(name, colon < 0 ? null : value[(colon + 1)..]));
        error = "";
        return true;
    }

    private static bool TryParseOrigin(string value, out SdpOrigin? origin, out string error)
    {
        origin = null;
        var t = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length != 6)
        {
            error = "o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address>";
            return false;
        }

        if (!TryParseULong(t[1], out var id) || !TryParseULong(t[2], out var version))
        {
            error = "o= session id and version must be numbers below 2^64";
            return false;
        }

        origin = new SdpOrigin(t[0], id, version, t[3], t[4], t[5]);
        error = "";
        return true;
    }

    private static bool TryParseConnection(string value, out SdpConnection? connection, out string error)
    {
        connection = null;
        var t = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length != 3)
        {
            error = "c= needs <nettype> <addrtype> <connection-address>";
            return false;
        }

        connection = new SdpConnection(t[0], t[1], t[2]);
        error = "";
        return true;
    }

    private static bool TryParseMedia(string value, out SdpMediaSection? media, out string error)
    {
        media = null;
        var t = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length < 4)
        {
            error = "m= needs <media> <port> <proto> <fmt> ...";
            return false;
        }

        var slash = t[1].IndexOf('/', StringComparison.Ordinal);
        var portText = slash < 0 ? t[1] : t[1][..slash];
        int? count = null;
        if (slash >= 0)
        {
            if (!TryParsePort(t[1][(slash + 1)..], out var parsedCount) || parsedCount == 0)
            {
                error = "m= port count is not a number from 1 to 65535";
                return false;
            }

            count = parsedCount;
        }

        if (!TryParsePort(portText, out var port))
        {
            error = "m= port is not a number from 0 to 65535";
            return false;
        }

        media = new SdpMediaSection(t[0], port, t[2], new EquatableArray<string>(t[3..]), null, default, default, count);
        error = "";
        return true;
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        if (text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        return port <= 65535;
    }

    private static bool TryParseULong(string text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

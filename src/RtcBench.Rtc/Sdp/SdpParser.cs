namespace RtcBench.Rtc.Sdp;

/// <summary>
/// Parses SDP text (RFC 8866) into a <see cref="SessionDescription"/>. Tolerant of what real peers send: CRLF or LF
/// line ends, blank lines, unknown attributes and line types (kept), attributes in any order. Strict about the lines
/// a description cannot do without (<c>v=0</c> first, <c>o=</c>, <c>s=</c>, <c>t=</c>, at least one <c>m=</c>) and
/// about the syntax of <c>o=</c>, <c>c=</c> and <c>m=</c>. Never throws; on failure the error names the line.
/// </summary>
public static class SdpParser
{
    /// <summary>Longer input is refused (a Chromium offer with a data channel is about 600 characters).</summary>
    public const int MaxLength = 256 * 1024;

    /// <summary>At most this many media sections.</summary>
    public const int MaxMediaSections = 256;

    public static bool TryParse(string? text, out SessionDescription? sdp, out string error) =>
        TryParse(text, SdpType.Unknown, out sdp, out error);

    public static bool TryParse(string? text, SdpType type, out SessionDescription? sdp, out string error)
    {
        sdp = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty description";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"description longer than {MaxLength} characters";
            return false;
        }

        var state = new SdpParseState();
        var lines = text.Split('\n');
        var seenVersion = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var prefix = $"line {i + 1}: ";
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetter(line[0]))
            {
                error = prefix + "not a <type>=<value> line";
                return false;
            }

            if (HasControlCharacter(line))
            {
                error = prefix + "control character in line";
                return false;
            }

            var value = line[2..];
            if (!seenVersion)
            {
                if (line[0] != 'v' || value.Trim() != "0")
                {
                    error = prefix + "a description must start with v=0";
                    return false;
                }

                seenVersion = true;
                continue;
            }

            if (!state.TryAdd(line[0], value, out var lineError))
            {
                error = prefix + lineError;
                return false;
            }
        }

        return state.TryBuild(type, out sdp, out error);
    }

    private static bool HasControlCharacter(string line)
    {
        foreach (var c in line)
        {
            if ((c < ' ' && c != '\t') || c == '\x7f')
            {
                return true;
            }
        }

        return false;
    }
}

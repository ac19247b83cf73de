using System.Text.Json;

namespace RtcBench.LiveKit.Signalling;

/// <summary>
/// TrickleRequest.candidateInit: the JSON of an RTCIceCandidateInit, <c>{"candidate":"candidate:…","sdpMid":"0",
/// "sdpMLineIndex":0,"usernameFragment":"…"}</c> (PROTOCOLS.md §2 A2). An empty candidate means end-of-candidates.
/// </summary>
internal static class TrickleCandidate
{
    public static string ToJson(string candidate, string? sdpMid, int sdpMLineIndex, string? usernameFragment)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("candidate", candidate);
            if (sdpMid is not null)
            {
                json.WriteString("sdpMid", sdpMid);
            }

            json.WriteNumber("sdpMLineIndex", sdpMLineIndex);
            if (usernameFragment is not null)
            {
                json.WriteString("usernameFragment", usernameFragment);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The <c>candidate</c> string of a candidateInit; false for anything that is not such JSON.</summary>
    public static bool TryParse(string candidateInit, out string candidate)
    {
        candidate = string.Empty;
        if (string.IsNullOrEmpty(candidateInit) || candidateInit.Length > 4096)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(candidateInit);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("candidate", out var value) || value.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            candidate = value.GetString()!;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The <c>a=mid:</c> of the first media section of an SDP, or "0".</summary>
    public static string MidOf(string? sdp)
    {
        if (sdp is null)
        {
            return "0";
        }

        int at = sdp.IndexOf("a=mid:", StringComparison.Ordinal);
        if (at < 0)
        {
            return "0";
        }

        at += 6;
        int end = sdp.IndexOfAny(['\r', '\n'], at);
        return (end < 0 ? sdp[at..] : sdp[at..end]).Trim();
    }

    /// <summary>The <c>a=ice-ufrag:</c> of an SDP, or null.</summary>
    public static string? UfragOf(string? sdp)
    {
        int at = sdp?.IndexOf("a=ice-ufrag:", StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        at += 12;
        int end = sdp!.IndexOfAny(['\r', '\n'], at);
        return (end < 0 ? sdp[at..] : sdp[at..end]).Trim();
    }
}

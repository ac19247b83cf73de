using System.Text.Json;

namespace RtcBench.Janus.Api;

/// <summary>
/// Reads Janus API messages (PROTOCOLS.md §2 B2) from UTF-8 JSON. Never throws on bad input: invalid UTF-8, and
/// anything that is not a JSON object with a string <c>"janus"</c> member, is refused (false); a recognisable message with a malformed
/// optional member (a <c>jsep</c> without an <c>sdp</c>, a non-numeric id) is kept with that member missing.
/// </summary>
public static class JanusMessageReader
{
    /// <summary>The largest message accepted (an SDP is a few KB; a server_info reply ~5 KB).</summary>
    public const int MaxMessageBytes = 4 << 20;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads one message object.</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out JanusMessage? message)
    {
        message = null;
        if (!TryParse(utf8, out JsonElement root))
        {
            return false;
        }

        return TryRead(root, out message);
    }

    /// <summary>
    /// Reads a long-poll reply: one message object or an array of them (<c>?maxev=N</c>). Well-formed messages are
    /// added to <paramref name="into"/>; <paramref name="malformed"/> counts array items that were not messages.
    /// False when the body is not JSON at all or neither an object nor an array.
    /// </summary>
    public static bool TryReadBatch(ReadOnlySpan<byte> utf8, List<JanusMessage> into, out int malformed)
    {
        ArgumentNullException.ThrowIfNull(into);
        malformed = 0;
        if (!TryParse(utf8, out JsonElement root))
        {
            return false;
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            if (TryRead(root, out var one))
            {
                into.Add(one!);
                return true;
            }

            return false;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in root.EnumerateArray())
        {
            if (TryRead(item, out var message))
            {
                into.Add(message!);
            }
            else
            {
                malformed++;
            }
        }

        return true;
    }

    /// <summary>Reads a message from an already parsed element (kept by reference: clone it if its document goes away).</summary>
    public static bool TryRead(JsonElement root, out JanusMessage? message)
    {
        message = null;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("janus", out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            string kindText = kindElement.GetString() ?? "";
            JsonElement? pluginData = null;
            string? plugin = null;
            if (root.TryGetProperty("plugindata", out var pd) && pd.ValueKind == JsonValueKind.Object)
            {
                plugin = StringOf(pd, "plugin");
                if (pd.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
                {
                    pluginData = data;
                }
            }

            message = new JanusMessage
            {
                Kind = KindOf(kindText),
                KindText = kindText,
                Transaction = StringOf(root, "transaction"),
                SessionId = Int64Of(root, "session_id"),
                Sender = Int64Of(root, "sender"),
                DataId = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? Int64Of(d, "id") : null,
                Error = ErrorOf(root),
                Plugin = plugin,
                PluginData = pluginData,
                Jsep = JsepOf(root),
                Reason = StringOf(root, "reason"),
                Media = StringOf(root, "type") ?? StringOf(root, "media"),
                Mid = StringOf(root, "mid"),
                Receiving = BoolOf(root, "receiving"),
                Uplink = BoolOf(root, "uplink"),
                Lost = Int64Of(root, "lost") is long lost and >= 0 and <= int.MaxValue ? (int)lost : null,
                Candidate = root.TryGetProperty("candidate", out var c) ? CandidateOf(c) : null,
                Root = root,
            };
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            message = null;
            return false;
        }
    }

    /// <summary>Reads a <c>{"type":…,"sdp":…}</c> object; null when it is not one.</summary>
    public static JanusJsep? JsepOf(JsonElement root)
    {
        if (!root.TryGetProperty("jsep", out var jsep) || jsep.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? type = StringOf(jsep, "type");
        string? sdp = StringOf(jsep, "sdp");
        return type is null || sdp is null ? null : new JanusJsep(type, sdp, BoolOf(jsep, "trickle"));
    }

    internal static bool TryParse(ReadOnlySpan<byte> utf8, out JsonElement root)
    {
        root = default;
        // Invalid UTF-8 inside a string passes the parser and only fails when the string is read: refuse it here.
        if (utf8.IsEmpty || utf8.Length > MaxMessageBytes || !System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, Options);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                return false; // Something after the value.
            }

            root = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    internal static string? StringOf(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    internal static long? Int64Of(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : null;

    internal static bool? BoolOf(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;

    private static JanusError? ErrorOf(JsonElement root)
    {
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        long code = Int64Of(error, "code") ?? 0;
        return new JanusError(code is > 0 and < int.MaxValue ? (int)code : 0, StringOf(error, "reason") ?? "");
    }

    private static JanusCandidate? CandidateOf(JsonElement c)
    {
        if (c.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (BoolOf(c, "completed") == true)
        {
            return JanusCandidate.EndOfCandidates;
        }

        string? candidate = StringOf(c, "candidate");
        long? index = Int64Of(c, "sdpMLineIndex");
        return candidate is null ? null : new JanusCandidate(candidate, StringOf(c, "sdpMid"), index is >= 0 and < 1024 ? (int)index : null);
    }

    private static JanusMessageKind KindOf(string kind) => kind switch
    {
        "success" => JanusMessageKind.Success,
        "error" => JanusMessageKind.Error,
        "ack" => JanusMessageKind.Ack,
        "event" => JanusMessageKind.Event,
        "server_info" => JanusMessageKind.ServerInfo,
        "webrtcup" => JanusMessageKind.WebRtcUp,
        "media" => JanusMessageKind.Media,
        "slowlink" => JanusMessageKind.SlowLink,
        "hangup" => JanusMessageKind.Hangup,
        "detached" => JanusMessageKind.Detached,
        "timeout" => JanusMessageKind.Timeout,
        "trickle" => JanusMessageKind.Trickle,
        "keepalive" => JanusMessageKind.Keepalive,
        _ => JanusMessageKind.Other,
    };
}

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace RtcBench.Agent.Http;

/// <summary>
/// Parses a request body into a <see cref="JsonDocument"/> that is safe to read: valid UTF-8 throughout (a UTF-8 byte
/// order mark is skipped, RFC 8259 §8.1), well-formed JSON no deeper than 8 levels, a top-level object, and no string
/// or property name that cannot be read as .NET text (an escaped unpaired surrogate such as <c>"\ud800"</c>). Every
/// failure is a <see cref="RequestError"/> (400) saying what and where; nothing here throws on client bytes.
/// </summary>
internal static class JsonBody
{
    /// <summary>Longest client-supplied text quoted back in an error detail.</summary>
    public const int MaxQuotedLength = 64;

    public static JsonDocument? TryParseObject(byte[] body, out RequestError? error)
    {
        ReadOnlyMemory<byte> json = body;
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        int invalidAt = FirstInvalidUtf8(json.Span);
        if (invalidAt >= 0)
        {
            error = RequestError.BadRequest(
                $"the request body is not valid UTF-8: byte {invalidAt + 1} (0x{json.Span[invalidAt]:X2}) does not start a valid sequence");
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            string message = ex.Message;
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            string what = cut > 0 ? message[..cut] : message;
            error = RequestError.BadRequest(
                $"malformed JSON at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}: {what}");
            return null;
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            error = RequestError.BadRequest($"the request body must be a JSON object, got {Describe(doc.RootElement.ValueKind)}");
            doc.Dispose();
            return null;
        }
        string? unreadable = FindUnreadableText(doc.RootElement, "");
        if (unreadable is not null)
        {
            error = RequestError.BadRequest(
                $"{unreadable} has an escaped unpaired surrogate (such as \\ud800 without its pair): not valid Unicode text");
            doc.Dispose();
            return null;
        }
        error = null;
        return doc;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Client text as quoted in an error detail: at most <see cref="MaxQuotedLength"/> characters.</summary>
    public static string Quote(string text) =>
        text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "…");

    /// <summary>The index of the first byte that does not begin a valid UTF-8 sequence, or -1.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }
        int i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed) != OperationStatus.Done)
            {
                return i;
            }
            i += consumed;
        }
        return -1;
    }

    /// <summary>
    /// Where a string or property name cannot be read as text (System.Text.Json throws on an escaped unpaired
    /// surrogate only when the text is read), as "field 'x'" or "a string in 'x'"; null when all can be read.
    /// </summary>
    private static string? FindUnreadableText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path.Length == 0 ? "a field name" : $"a field name in '{Quote(path)}'";
                    }
                    string? inner = FindUnreadableText(property.Value, path.Length == 0 ? name : path + "." + name);
                    if (inner is not null)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    string? inner = FindUnreadableText(item, $"{path}[{index++}]");
                    if (inner is not null)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return $"'{Quote(path)}'";
                }
            default:
                return null;
        }
    }
}

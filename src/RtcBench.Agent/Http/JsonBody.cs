using System.Text.Json;

namespace RtcBench.Agent.Http;

/// <summary>Parses a request body into a <see cref="JsonDocument"/>, describing syntax errors by position.</summary>
internal static class JsonBody
{
    public static JsonDocument? TryParseObject(byte[] body, out RequestError? error)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
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
}

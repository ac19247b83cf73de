using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace RtcBench.Server.Ingest;

/// <summary>
/// One pass over the body before it is deserialised, so that what the serializer would report in its own words (or
/// accept, like <c>1e309</c> read as infinity) is answered with the field's path instead: malformed JSON (with line
/// and byte), text that is not UTF-8, and numbers beyond a double's range.
/// </summary>
internal static class JsonPrecheck
{
    private const int MaxDepth = 64;

    /// <summary>Null when the body is well-formed JSON with only finite numbers and UTF-8 text; else the problem.</summary>
    public static string? Check(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return "the body is empty; expected a JSON result document";
        }
        var reader = new Utf8JsonReader(body, new JsonReaderOptions
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = MaxDepth,
        });
        var path = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!IsText(ref reader))
                        {
                            return $"{Path(path)}: a field name is not valid UTF-8 text";
                        }
                        path[^1] = path[^1] with { Name = reader.GetString() };
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                    default:
                        break;
                }
                // A value: the next element when inside an array.
                if (path.Count > 0 && path[^1].IsArray)
                {
                    path[^1] = path[^1] with { Index = path[^1].Index + 1 };
                }
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        path.Add(new Frame(false, null, -1));
                        break;
                    case JsonTokenType.StartArray:
                        path.Add(new Frame(true, null, -1));
                        break;
                    case JsonTokenType.String when !IsText(ref reader):
                        return $"{Path(path)}: not valid UTF-8 text";
                    case JsonTokenType.Number when !reader.TryGetDouble(out double value) || !double.IsFinite(value):
                        return $"{Path(path)}: {Raw(reader.ValueSpan)} is beyond the range of a number (±1.8e308)";
                    default:
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            string where = $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}";
            return reader.CurrentDepth >= MaxDepth
                ? $"malformed JSON at {where}: nested deeper than {MaxDepth} levels"
                : $"malformed JSON at {where}" + (path.Count > 0 ? $" (near {Path(path)})" : "");
        }
        return null;
    }

    /// <summary>Valid UTF-8, and when escaped, escapes that decode to valid UTF-16 (no lone surrogate).</summary>
    private static bool IsText(ref Utf8JsonReader reader)
    {
        if (!Utf8.IsValid(reader.ValueSpan))
        {
            return false;
        }
        if (!reader.ValueIsEscaped)
        {
            return true;
        }
        try
        {
            reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Raw(ReadOnlySpan<byte> token)
    {
        string text = Encoding.UTF8.GetString(token[..Math.Min(token.Length, 40)]);
        return token.Length > 40 ? text + "…" : text;
    }

    /// <summary>The JSON path of the current value, as the validator names fields: <c>stats.rtt.p50_us</c>, <c>pings[3].rtt_us</c>.</summary>
    private static string Path(List<Frame> frames)
    {
        var text = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                if (frame.Index >= 0)
                {
                    text.Append('[').Append(frame.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
            }
            else if (frame.Name is not null)
            {
                text.Append(text.Length == 0 ? "" : ".").Append(frame.Name.Length > 40 ? frame.Name[..40] + "…" : frame.Name);
            }
        }
        return text.Length == 0 ? "the document" : text.ToString();
    }

    private readonly record struct Frame(bool IsArray, string? Name, int Index);
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using RtcBench.Core.Results;

namespace RtcBench.Server.Ingest;

/// <summary>
/// Turns the serializer's complaint about well-formed JSON of the wrong shape (a string where a number belongs, a
/// required field missing) into the field's path and what it should hold, in our words; the expected type is looked
/// up in the document's contract along the path, not parsed out of the serializer's text.
/// </summary>
internal static partial class JsonShapeProblem
{
    public static string Describe(JsonException e)
    {
        string path = Clean(e.Path);
        if (MissingRequired().Match(e.Message) is { Success: true } missing)
        {
            string field = missing.Groups[1].Value;
            return $"{(path.Length == 0 ? field : path + "." + field)}: missing";
        }
        string what = Expected(e.Path) ?? "a value of another type";
        return $"{(path.Length == 0 ? "the document" : path)}: expected {what}";
    }

    /// <summary><c>$.pings[3].rtt_us</c> → <c>pings[3].rtt_us</c>; <c>$.path.details['a b']</c> → <c>path.details.a b</c>.</summary>
    private static string Clean(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }
        return path.TrimStart('$', '.').Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal);
    }

    /// <summary>What the field at a serializer path holds, from <see cref="ResultJson.Options"/>' contract.</summary>
    private static string? Expected(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        var info = ResultJson.Options.GetTypeInfo(typeof(RunResult));
        foreach (Match step in PathStep().Matches(path))
        {
            if (step.Groups["index"].Success)
            {
                info = info.ElementType is { } element ? ResultJson.Options.GetTypeInfo(element) : null;
            }
            else if (info?.Kind == JsonTypeInfoKind.Dictionary)
            {
                info = info.ElementType is { } value ? ResultJson.Options.GetTypeInfo(value) : null;
            }
            else
            {
                string name = step.Groups["name"].Value;
                var property = info?.Properties.FirstOrDefault(p => p.Name == name);
                info = property is null ? null : ResultJson.Options.GetTypeInfo(property.PropertyType);
            }
            if (info is null)
            {
                return null;
            }
        }
        return Describe(info!.Type);
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(double) || type == typeof(float))
        {
            return "a number";
        }
        if (type == typeof(int))
        {
            return $"a whole number from {int.MinValue} to {int.MaxValue}";
        }
        if (type == typeof(long))
        {
            return $"a whole number from {long.MinValue} to {long.MaxValue}";
        }
        if (type == typeof(string))
        {
            return "a string";
        }
        if (type == typeof(DateTimeOffset))
        {
            return "an ISO 8601 time with its offset, e.g. 2026-11-21T12:00:00.000000+00:00";
        }
        var info = ResultJson.Options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a JSON array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "a JSON object",
            _ => "a value of another type",
        };
    }

    [GeneratedRegex(@"missing required properties including: '([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"\[(?<index>\d+)\]|\['(?<name>[^']*)'\]|\.(?<name>[A-Za-z0-9_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex PathStep();
}

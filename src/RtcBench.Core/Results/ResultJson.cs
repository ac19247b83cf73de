using System.Text.Json;
using System.Text.Json.Serialization;

namespace RtcBench.Core.Results;

/// <summary>The one JSON shape of result documents: snake_case names, nulls omitted, enums as strings.</summary>
public static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = indented,
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(RunResult result, bool indented = true) =>
        JsonSerializer.Serialize(result, indented ? Indented : Options);

    /// <summary>Parses a result document; throws <see cref="JsonException"/> with the path of a bad field.</summary>
    public static RunResult Deserialize(string json) =>
        JsonSerializer.Deserialize<RunResult>(json, Options) ?? throw new JsonException("The document is null.");
}

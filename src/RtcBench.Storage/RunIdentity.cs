using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RtcBench.Core.Results;

namespace RtcBench.Storage;

/// <summary>
/// When two result documents are "the same run": equal canonical documents. The canonical document is what a store
/// reads back (every store keeps every field, tested by the contract suite): the result document in
/// <see cref="ResultJson"/> form with its times in UTC, path details in any order and numbers compared by value (so
/// -0 is 0). Ingest uses it to tell a repeated post of a stored run (200, nothing changes) from a different run
/// under the same id (409).
/// </summary>
public static class RunIdentity
{
    /// <summary>Null when the two documents are the same run; else the JSON path of the first difference.</summary>
    public static string? FirstDifference(RunResult stored, RunResult posted)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(posted);
        // Through text, so every value is a parsed JSON value (numbers comparable whatever their .NET type).
        var a = JsonNode.Parse(ResultJson.Serialize(Canonical(stored), indented: false));
        var b = JsonNode.Parse(ResultJson.Serialize(Canonical(posted), indented: false));
        return Difference(a, b, "");
    }

    /// <summary>The document with every time in UTC (a time's offset is how it was written, not what it is).</summary>
    private static RunResult Canonical(RunResult run) => run with
    {
        StartedAt = run.StartedAt.ToUniversalTime(),
        EndedAt = run.EndedAt.ToUniversalTime(),
        Outcome = run.Outcome is null ? null! : run.Outcome with { NoticedAt = run.Outcome.NoticedAt?.ToUniversalTime() },
        Pings = run.Pings?.Select(p => p with
        {
            ScheduledAt = p.ScheduledAt.ToUniversalTime(),
            SentAt = p.SentAt?.ToUniversalTime(),
        }).ToArray()!,
    };

    private static string? Difference(JsonNode? a, JsonNode? b, string path)
    {
        string here = path.Length == 0 ? "the document" : path;
        switch (a, b)
        {
            case (null, null):
                return null;
            case (null, _) or (_, null):
                return here;
            case (JsonObject x, JsonObject y):
                foreach (var (key, value) in x)
                {
                    if (!y.TryGetPropertyValue(key, out var other))
                    {
                        return Join(path, key);
                    }
                    if (Difference(value, other, Join(path, key)) is { } inner)
                    {
                        return inner;
                    }
                }
                foreach (var (key, _) in y)
                {
                    if (!x.ContainsKey(key))
                    {
                        return Join(path, key);
                    }
                }
                return null;
            case (JsonArray x, JsonArray y):
                for (int i = 0; i < Math.Min(x.Count, y.Count); i++)
                {
                    if (Difference(x[i], y[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return x.Count == y.Count ? null : here;
            case (JsonValue x, JsonValue y):
                return SameValue(x, y) ? null : here;
            default:
                return here;
        }
    }

    private static bool SameValue(JsonValue a, JsonValue b)
    {
        var kind = a.GetValueKind();
        if (kind != b.GetValueKind())
        {
            return false;
        }
        return kind == JsonValueKind.Number
            ? a.GetValue<double>() == b.GetValue<double>()
            : JsonNode.DeepEquals(a, b);
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}

using System.Globalization;
using System.Text.Json.Nodes;
using RtcBench.Core.Results;
using RtcBench.Storage.Validation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>Edits one field of a result document by its JSON path (<c>stats.rtt.p50_us</c>, <c>pings[3].status</c>).</summary>
internal static class DocumentMutation
{
    /// <summary>"Now" for validation: six hours after <see cref="RunnerDocuments.BaseTime"/>.</summary>
    public static readonly DateTimeOffset Now = RunnerDocuments.BaseTime.AddHours(6);

    public static RunResult Set(RunResult run, string path, JsonNode? value) =>
        Change(run, path, _ => value);

    /// <summary>Multiplies a number by <paramref name="factor"/> and adds <paramref name="offset"/>.</summary>
    public static RunResult Scale(RunResult run, string path, double factor, double offset = 0) =>
        Change(run, path, node => JsonValue.Create((node!.GetValue<double>() * factor) + offset));

    public static RunResult Change(RunResult run, string path, Func<JsonNode?, JsonNode?> change)
    {
        var root = JsonNode.Parse(ResultJson.Serialize(run, indented: false))!;
        string[] parts = path.Split('.');
        JsonNode parent = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            parent = Step(parent, parts[i]);
        }
        string last = parts[^1];
        int bracket = last.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            var array = parent[last[..bracket]]!.AsArray();
            int index = int.Parse(last[(bracket + 1)..^1], CultureInfo.InvariantCulture);
            array[index] = change(array[index]?.DeepClone());
        }
        else
        {
            var obj = parent.AsObject();
            var next = change(obj[last]?.DeepClone());
            if (next is null)
            {
                obj.Remove(last);
            }
            else
            {
                obj[last] = next;
            }
        }
        return ResultJson.Deserialize(root.ToJsonString());
    }

    public static string? Validate(RunResult run) => RunDocumentValidator.Validate(run, Now);

    private static JsonNode Step(JsonNode node, string part)
    {
        int bracket = part.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return node[part]!;
        }
        int index = int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture);
        return node[part[..bracket]]![index]!;
    }
}

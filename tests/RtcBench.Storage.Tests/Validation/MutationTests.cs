using System.Text.Json;
using System.Text.Json.Nodes;
using RtcBench.Core.Results;
using static RtcBench.Storage.Tests.Validation.DocumentMutation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>Hostile documents: every field of a real document replaced by odd values; the validator answers, never throws.</summary>
public sealed class MutationTests
{
    private static readonly JsonNode?[] OddValues =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1e300), JsonValue.Create(-1e300),
        JsonValue.Create(0.5), JsonValue.Create(int.MaxValue), JsonValue.Create(long.MinValue), JsonValue.Create(""),
        JsonValue.Create("x"), JsonValue.Create("\u0000"), JsonValue.Create("2026-11-21T10:00:00.0000001+14:00"),
        new JsonArray(), new JsonObject(),
    ];

    [Fact]
    public void Validate_EveryLeafReplacedByOddValues_NeverThrows()
    {
        var run = RunnerDocuments.EchoLost();
        var root = JsonNode.Parse(ResultJson.Serialize(run, indented: false))!;
        var leaves = new List<string>();
        Collect(root, "", leaves);
        int refused = 0, parsed = 0;
        foreach (string path in leaves)
        {
            foreach (var value in OddValues)
            {
                RunResult mutated;
                try
                {
                    mutated = Set(run, path, value?.DeepClone());
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    continue; // the serializer refuses the shape: answered by the service's JSON checks
                }
                parsed++;
                var error = Record.Exception(() => Validate(mutated));
                Assert.True(error is null, $"{path} = {value?.ToJsonString() ?? "null"}: {error}");
                refused += Validate(mutated) is null ? 0 : 1;
            }
        }
        Assert.True(leaves.Count > 150, $"only {leaves.Count} leaves");
        Assert.True(refused > parsed / 2, $"{refused} of {parsed} mutated documents refused");
    }

    private static void Collect(JsonNode? node, string path, List<string> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key != "details")
                    {
                        Collect(value, path.Length == 0 ? key : path + "." + key, leaves);
                    }
                }
                break;
            case JsonArray array:
                // Every ping of the document: each status (warm-up, ok, lost, abandoned, not sent) is there.
                for (int i = 0; i < array.Count; i++)
                {
                    Collect(array[i], $"{path}[{i}]", leaves);
                }
                break;
            default:
                leaves.Add(path);
                break;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using RtcBench.LiveKit.Tests.Auth;

namespace RtcBench.LiveKit.Tests.Protocol;

/// <summary>
/// LiveKit's own @livekit/protocol (npm, run with node) on the other end of our messages: node/decode.mjs reads our
/// bytes with <c>fromBinary</c>, node/encode.mjs writes LiveKit's with <c>toBinary</c>. Data goes through stdin as JSON.
/// </summary>
internal static class LiveKitProtocolScripts
{
    /// <summary>What @livekit/protocol read from one message of ours.</summary>
    public sealed record Decoded(string? Case, JsonObject Json, IReadOnlyList<string> UnknownFields, string? PayloadHex);

    /// <summary>Decodes each (type, bytes) with LiveKit's <c>Type.fromBinary</c>; type is SignalRequest or DataPacket.</summary>
    public static async Task<IReadOnlyList<Decoded>> DecodeAsync(params (string Type, byte[] Bytes)[] messages)
    {
        string input = JsonSerializer.Serialize(new
        {
            messages = messages.Select(m => new { type = m.Type, base64 = Convert.ToBase64String(m.Bytes) }),
        });
        var output = JsonNode.Parse(await NodeScripts.RunOkAsync("decode.mjs", input))!.AsArray();
        Assert.Equal(messages.Length, output.Count);
        return [.. output.Select(e => new Decoded(
            (string?)e!["case"],
            e["json"]!.AsObject(),
            [.. e["unknownFields"]!.AsArray().Select(f => (string)f!)],
            (string?)e["payloadHex"]))];
    }

    /// <summary>Encodes each (type, protojson) with LiveKit's <c>Type.fromJson(json).toBinary()</c>.</summary>
    public static async Task<byte[][]> EncodeAsync(params (string Type, string Json)[] messages)
    {
        var input = new JsonObject
        {
            ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = m.Type,
                ["json"] = JsonNode.Parse(m.Json),
            })]),
        };
        var output = JsonNode.Parse(await NodeScripts.RunOkAsync("encode.mjs", input.ToJsonString()))!.AsArray();
        Assert.Equal(messages.Length, output.Count);
        return [.. output.Select(b => Convert.FromBase64String((string)b!))];
    }

    /// <summary>Asserts that <paramref name="actual"/> is exactly the JSON <paramref name="expected"/>.</summary>
    public static void AssertJson(string expected, JsonNode actual)
    {
        var want = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(want, actual), $"expected {want!.ToJsonString()}\n     got {actual.ToJsonString()}");
    }
}

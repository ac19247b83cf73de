using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>One data-channel message of a cell: text (UTF-8 bytes) or binary.</summary>
internal sealed record CellMessage(bool IsText, byte[] Data)
{
    /// <summary>The driver's digest of a message: <c>{t: text|bin, n: bytes, h: sha-256 hex}</c>.</summary>
    public string Digest => $"{(IsText ? "text" : "bin")}/{Data.Length}/{Convert.ToHexStringLower(SHA256.HashData(Data))}";

    /// <summary>The driver's <c>send</c> form: <c>{t:'text', d}</c> or <c>{t:'bin', b64}</c>.</summary>
    public JsonObject ToCommand() => IsText
        ? new JsonObject { ["t"] = "text", ["d"] = System.Text.Encoding.UTF8.GetString(Data) }
        : new JsonObject { ["t"] = "bin", ["b64"] = Convert.ToBase64String(Data) };

    public static string DigestOf(JsonNode digest) => $"{digest["t"]}/{digest["n"]}/{digest["h"]}";

    public override string ToString() => $"{(IsText ? "text" : "binary")}({Data.Length})";
}

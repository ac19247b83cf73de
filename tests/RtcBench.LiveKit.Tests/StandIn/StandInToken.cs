using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// A minimal HS256 access token for the stand-in server, with LiveKit's claims (PROTOCOLS.md §2 A4: iss = API key,
/// sub = identity, nbf, exp required, video grant with roomJoin and room). A placeholder until the project's own
/// LiveKitTokens (Auth/, another helper's work) is on main: then the stand-in validates with that instead.
/// </summary>
internal static class StandInToken
{
    private static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);

    public static string Mint(string apiKey, string secret, string identity, string room, TimeSpan? ttl = null, bool canSubscribe = true)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = apiKey,
            ["sub"] = identity,
            ["name"] = identity,
            ["nbf"] = now,
            ["iat"] = now,
            ["exp"] = now + (long)(ttl ?? TimeSpan.FromHours(1)).TotalSeconds,
            ["video"] = new JsonObject
            {
                ["roomJoin"] = true,
                ["room"] = room,
                ["canSubscribe"] = canSubscribe,
                ["canPublishData"] = true,
            },
        };
        string header = B64(Encoding.UTF8.GetBytes("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        string body = B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        string signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + body)));
        return header + "." + body + "." + signature;
    }

    /// <summary>The join grant of a valid token, or null with the reason (LiveKit answers such a join with 401).</summary>
    public static StandInGrant? Validate(string? token, string apiKey, string secret, out string error)
    {
        error = string.Empty;
        if (string.IsNullOrEmpty(token))
        {
            error = "no permissions to access the room (missing access_token)";
            return null;
        }

        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            error = "invalid token: malformed";
            return null;
        }

        try
        {
            byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromB64(parts[2])))
            {
                error = "invalid token: signature is invalid";
                return null;
            }

            using var claims = JsonDocument.Parse(FromB64(parts[1]));
            var root = claims.RootElement;
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (!root.TryGetProperty("iss", out var iss) || iss.GetString() != apiKey)
            {
                error = "invalid token: unknown API key";
                return null;
            }

            if (!root.TryGetProperty("exp", out var exp) || exp.GetInt64() + Leeway.TotalSeconds < now)
            {
                error = "invalid token: token is expired or has no exp";
                return null;
            }

            if (!root.TryGetProperty("video", out var video) || !video.TryGetProperty("roomJoin", out var join) || !join.GetBoolean()
                || !video.TryGetProperty("room", out var room) || string.IsNullOrEmpty(room.GetString()))
            {
                error = "permissions denied: no roomJoin grant for a room";
                return null;
            }

            bool canSubscribe = !video.TryGetProperty("canSubscribe", out var sub) || sub.GetBoolean();
            string identity = root.TryGetProperty("sub", out var s) ? s.GetString() ?? string.Empty : string.Empty;
            return new StandInGrant(identity, room.GetString()!, canSubscribe);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            error = "invalid token: " + ex.GetType().Name;
            return null;
        }
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromB64(string text)
    {
        string padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}

/// <summary>What a valid token lets its holder do in the stand-in.</summary>
internal sealed record StandInGrant(string Identity, string Room, bool CanSubscribe);

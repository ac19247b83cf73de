using System.Text.Json;
using RtcBench.Platforms.Daily;

namespace RtcBench.Agent.Http;

/// <summary>
/// Parses POST /connect: <c>{"platforms":["udp"],"ttl_seconds":600,"idle_timeout_seconds":120,"client":"…"}</c>,
/// every field optional, unknown fields rejected (a misspelt field must not silently fall back to a default).
/// </summary>
internal static class ConnectRequestParser
{
    public const int MaxClientLength = 256;
    public const long MaxSeconds = 86_400;
    public const long MinIdleSeconds = 10;

    public static ConnectRequest? TryParse(byte[] body, out RequestError? error)
    {
        if (body.Length == 0)
        {
            error = null;
            return ConnectRequest.Empty;
        }
        using var doc = JsonBody.TryParseObject(body, out error);
        if (doc is null)
        {
            return null;
        }
        List<string>? platforms = null;
        long? ttl = null;
        long? idle = null;
        string? client = null;
        DailyTopology? topology = null;
        string? janusPath = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                error = RequestError.BadRequest($"field '{JsonBody.Quote(property.Name)}' appears more than once");
                return null;
            }
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            switch (property.Name)
            {
                case "platforms":
                    platforms = ReadPlatforms(value, out error);
                    if (platforms is null)
                    {
                        return null;
                    }
                    break;
                case "ttl_seconds":
                    ttl = ReadSeconds(value, "ttl_seconds", 1, MaxSeconds, out error);
                    if (ttl is null)
                    {
                        return null;
                    }
                    break;
                case "idle_timeout_seconds":
                    idle = ReadSeconds(value, "idle_timeout_seconds", MinIdleSeconds, MaxSeconds, out error);
                    if (idle is null)
                    {
                        return null;
                    }
                    break;
                case "client":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        error = RequestError.BadRequest($"'client' must be a string, got {JsonBody.Describe(value.ValueKind)}");
                        return null;
                    }
                    client = value.GetString();
                    if (client!.Length > MaxClientLength)
                    {
                        error = RequestError.BadRequest($"'client' must be at most {MaxClientLength} characters");
                        return null;
                    }
                    break;
                case "daily_topology":
                    if (value.ValueKind != JsonValueKind.String || !DailyCredentials.TryParseTopology(value.GetString(), out var t))
                    {
                        error = RequestError.BadRequest("'daily_topology' must be \"sfu\" or \"p2p\"");
                        return null;
                    }
                    topology = t;
                    break;
                case "janus_path":
                    if (value.ValueKind != JsonValueKind.String || value.GetString() is not ("sfu" or "textroom" or "echo"))
                    {
                        error = RequestError.BadRequest("'janus_path' must be \"sfu\", \"textroom\" or \"echo\"");
                        return null;
                    }
                    janusPath = value.GetString();
                    break;
                default:
                    error = RequestError.BadRequest(
                        $"unknown field '{JsonBody.Quote(property.Name)}'; expected: platforms, ttl_seconds, idle_timeout_seconds, client, daily_topology, janus_path");
                    return null;
            }
        }
        error = null;
        return new ConnectRequest(platforms, ttl, idle, client) { DailyTopology = topology, JanusPath = janusPath };
    }

    private static List<string>? ReadPlatforms(JsonElement value, out RequestError? error)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = RequestError.BadRequest($"'platforms' must be an array of platform names, got {JsonBody.Describe(value.ValueKind)}");
            return null;
        }
        var names = new List<string>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
            {
                error = RequestError.BadRequest($"'platforms[{index}]' must be a platform name, got {JsonBody.Describe(item.ValueKind)}");
                return null;
            }
            string name = item.GetString()!;
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
            index++;
        }
        if (names.Count == 0)
        {
            error = RequestError.BadRequest("'platforms' must name at least one platform (or be left out for all)");
            return null;
        }
        error = null;
        return names;
    }

    private static long? ReadSeconds(JsonElement value, string field, long min, long max, out RequestError? error)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long seconds))
        {
            string got = value.ValueKind == JsonValueKind.Number ? "a fractional or out-of-range number" : JsonBody.Describe(value.ValueKind);
            error = RequestError.BadRequest($"'{field}' must be a whole number of seconds, got {got}");
            return null;
        }
        if (seconds < min || seconds > max)
        {
            error = RequestError.BadRequest($"'{field}' must be between {min} and {max}, got {seconds}");
            return null;
        }
        error = null;
        return seconds;
    }
}

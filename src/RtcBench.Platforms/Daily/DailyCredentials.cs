using System.Text.Json;
using System.Text.Json.Serialization;

namespace RtcBench.Platforms.Daily;

/// <summary>
/// The <c>daily</c> platform's credentials in <c>POST /connect</c>:
/// <c>{"room_url": "https://x.daily.co/room", "token": "…", "topology": "sfu", "geo": null, "stand_in_relay": null}</c>.
/// <c>stand_in_relay</c> is set only when the agent runs against the offline stand-in (tests and demos): the
/// runner then uses the stand-in too, so both ends are in the same (fake) room.
/// </summary>
public sealed record DailyCredentials(
    [property: JsonPropertyName("room_url")] string RoomUrl,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("topology")] string Topology,
    [property: JsonPropertyName("geo")] string? Geo,
    [property: JsonPropertyName("stand_in_relay")] string? StandInRelay)
{
    /// <summary>Reads the agent's credentials; throws <see cref="PlatformException"/> naming what is missing.</summary>
    public static DailyCredentials Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new PlatformException("The agent's daily credentials are not an object.");
        }
        string url = Required(json, "room_url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new PlatformException($"The agent's daily room_url '{url}' is not an http(s) URL.");
        }
        string? relay = Optional(json, "stand_in_relay");
        if (relay is not null && (!Uri.TryCreate(relay, UriKind.Absolute, out var r) || (r.Scheme != "ws" && r.Scheme != "wss")))
        {
            throw new PlatformException($"The agent's daily stand_in_relay '{relay}' is not a ws:// URL.");
        }
        return new DailyCredentials(url, Required(json, "token"), Optional(json, "topology") ?? "sfu", Optional(json, "geo"), relay);
    }

    public static string TopologyName(DailyTopology topology) => topology == DailyTopology.P2P ? "p2p" : "sfu";

    public static bool TryParseTopology(string? text, out DailyTopology topology)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "sfu":
                topology = DailyTopology.Sfu;
                return true;
            case "p2p" or "peer":
                topology = DailyTopology.P2P;
                return true;
            default:
                topology = DailyTopology.Sfu;
                return false;
        }
    }

    private static string Required(JsonElement json, string name) =>
        Optional(json, name) ?? throw new PlatformException($"The agent's daily credentials have no '{name}'.");

    private static string? Optional(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()
            : null;
}

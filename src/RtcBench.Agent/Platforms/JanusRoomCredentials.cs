using System.Text.Json.Serialization;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>janus</c> platform's credentials in /connect (names fixed here; the runner's janus client reads them):
/// Janus's API URL, the path, the Janus room and its PIN, the names the runner and the echo use in it, and Janus's
/// API secret / token when it has them (the runner talks to Janus's API itself). Never the room's secret or the
/// plugins' admin key: those stay on the agent.
/// </summary>
internal sealed record JanusRoomCredentials(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("room")] long Room,
    [property: JsonPropertyName("pin")] string Pin,
    [property: JsonPropertyName("runner_name")] string RunnerName,
    [property: JsonPropertyName("echo_name")] string EchoName,
    [property: JsonPropertyName("api_secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiSecret,
    [property: JsonPropertyName("token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token)
{
    public override string ToString() => $"janus {Path} room {Room} (credentials not shown)";
}

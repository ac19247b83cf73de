using System.Text.Json.Serialization;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>janus</c> platform's credentials in /connect for the <c>echo</c> path: Janus's API URL and its API secret /
/// token when it has them. No room and no names: the runner talks to Janus's EchoTest alone.
/// </summary>
internal sealed record JanusEchoTestCredentials(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("api_secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiSecret,
    [property: JsonPropertyName("token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token)
{
    public override string ToString() => $"janus {Path} (credentials not shown)";
}

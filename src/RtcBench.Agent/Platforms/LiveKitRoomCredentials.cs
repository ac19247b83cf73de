using System.Text.Json.Serialization;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>livekit</c> platform's credentials in /connect, exactly
/// <c>{"url": "...", "token": "...", "room": "...", "echo_identity": "..."}</c> (the runner's LiveKit client reads
/// these names; they are fixed here, not left to the serializer's naming policy): the LiveKit server URL, the
/// runner's own access token (never the API secret), the LiveKit room name, and the identity of the echo participant
/// to send pings to.
/// </summary>
internal sealed record LiveKitRoomCredentials(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("room")] string Room,
    [property: JsonPropertyName("echo_identity")] string EchoIdentity);

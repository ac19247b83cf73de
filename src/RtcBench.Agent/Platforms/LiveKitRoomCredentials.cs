namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>livekit</c> platform's credentials in /connect, serialised with the API's snake_case names exactly as
/// <c>{"url": "...", "token": "...", "room": "...", "echo_identity": "..."}</c> (the runner's LiveKit client reads
/// these names): the LiveKit server URL, the runner's own access token (never the API secret), the LiveKit room
/// name, and the identity of the echo participant to send pings to.
/// </summary>
internal sealed record LiveKitRoomCredentials(string Url, string Token, string Room, string EchoIdentity);

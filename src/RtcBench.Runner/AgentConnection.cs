using System.Text.Json;

namespace RtcBench.Runner;

/// <summary>What <c>POST /connect</c> returned: the room and, per platform, the credentials to join it.</summary>
public sealed record AgentConnection(
    string RoomId,
    DateTimeOffset ExpiresAt,
    string? AgentVersion,
    string? AgentLocation,
    IReadOnlyDictionary<string, JsonElement> Platforms);

namespace RtcBench.Agent.Contracts;

/// <summary>The answer to POST /connect: the room and the credentials for each requested platform.</summary>
internal sealed record ConnectResponse(
    string RoomId,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    AgentInfo Agent,
    IReadOnlyDictionary<string, object> Platforms);

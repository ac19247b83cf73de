namespace RtcBench.Agent.Contracts;

/// <summary>The answer to POST /disconnect.</summary>
internal sealed record DisconnectResponse(string RoomId, bool Closed);

namespace RtcBench.Agent.Contracts;

/// <summary>The answer to GET /rooms.</summary>
internal sealed record RoomsResponse(IReadOnlyList<RoomSummary> Rooms);

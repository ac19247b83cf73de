namespace RtcBench.Agent.Rooms;

/// <summary>The outcome of creating a room: the room and its per-platform credentials, or "full" with a retry hint.</summary>
internal sealed record CreateRoomResult(Room? Room, IReadOnlyDictionary<string, object>? Credentials, TimeSpan RetryAfter)
{
    public bool Created => Room is not null;
}

namespace RtcBench.Agent.Platforms;

/// <summary>The <c>janus</c> block of a room in GET /rooms: the Janus room, what the echo is doing, its counters and what became of the room.</summary>
internal sealed record JanusRoomDetails(
    string Path,
    long JanusRoom,
    string Echo,
    long PingsEchoed,
    long Malformed,
    long SendFailed,
    string RoomState);

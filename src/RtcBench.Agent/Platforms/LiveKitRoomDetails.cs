namespace RtcBench.Agent.Platforms;

/// <summary>The <c>livekit</c> block of a room in GET /rooms.</summary>
internal sealed record LiveKitRoomDetails(
    string Room,
    string EchoIdentity,
    string RunnerIdentity,
    string Echo,
    string Runner,
    long PingsEchoed,
    long Malformed,
    long SendFailed,
    string RoomState,
    string? ServerRegion,
    string? ServerNode);

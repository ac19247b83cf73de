namespace RtcBench.Agent.Contracts;

/// <summary>
/// One room in GET /rooms. <c>last_activity_at</c> is the creation time until a valid datagram arrives;
/// <c>details</c> holds what a platform reports of the room by platform name (e.g. <c>livekit</c>), when any.
/// </summary>
internal sealed record RoomSummary(
    string RoomId,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    double AgeSeconds,
    IReadOnlyList<string> Platforms,
    long PingsEchoed,
    DateTime LastActivityAt,
    double IdleTimeoutSeconds,
    string? Client,
    IReadOnlyDictionary<string, object>? Details = null);

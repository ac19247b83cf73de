namespace RtcBench.Agent.Contracts;

/// <summary>One room in GET /rooms. <c>last_activity_at</c> is the creation time until a valid datagram arrives.</summary>
internal sealed record RoomSummary(
    string RoomId,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    double AgeSeconds,
    IReadOnlyList<string> Platforms,
    long PingsEchoed,
    DateTime LastActivityAt,
    double IdleTimeoutSeconds,
    string? Client);

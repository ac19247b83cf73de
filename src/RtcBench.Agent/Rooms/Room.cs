namespace RtcBench.Agent.Rooms;

/// <summary>An open room: who it is for, how long it lives, and the platforms it was set up on.</summary>
internal sealed class Room(
    Guid id,
    DateTimeOffset createdAt,
    long createdNs,
    TimeSpan ttl,
    TimeSpan idleTimeout,
    IReadOnlyList<string> platforms,
    string? client)
{
    public Guid Id { get; } = id;

    /// <summary>The id as sent on the wire: 32 lower-case hex digits.</summary>
    public string IdText { get; } = id.ToString("N");

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset ExpiresAt { get; } = createdAt + ttl;

    /// <summary>Monotonic ns (agent clock) at creation.</summary>
    public long CreatedNs { get; } = createdNs;

    /// <summary>Monotonic ns (agent clock) at which the room expires.</summary>
    public long ExpiresAtNs { get; } = createdNs + (long)ttl.TotalNanoseconds;

    public TimeSpan IdleTimeout { get; } = idleTimeout;

    public IReadOnlyList<string> Platforms { get; } = platforms;

    public string? Client { get; } = client;
}

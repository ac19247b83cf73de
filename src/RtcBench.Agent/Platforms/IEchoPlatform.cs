namespace RtcBench.Agent.Platforms;

/// <summary>
/// One platform the agent can echo on (<c>udp</c>, <c>direct</c>, <c>daily</c>, <c>livekit</c>).
/// A room on a platform is created when a runner connects and closed when the room ends.
/// </summary>
internal interface IEchoPlatform
{
    /// <summary>The name runners ask for, e.g. "udp".</summary>
    string Name { get; }

    /// <summary>False when the platform is configured off; runners asking for it get 400.</summary>
    bool Enabled { get; }

    /// <summary>Sets the room up and returns the credentials sent to the runner (serialised as JSON).</summary>
    Task<object> CreateRoomAsync(RoomContext context, CancellationToken cancellationToken);

    /// <summary>Tears the room down; idempotent.</summary>
    void CloseRoom(Guid roomId);

    /// <summary>What the platform saw of the room.</summary>
    PlatformRoomActivity GetActivity(Guid roomId);

    /// <summary>Platform-specific state of the room for GET /rooms (serialised as JSON), or null.</summary>
    object? Describe(Guid roomId) => null;
}

using RtcBench.Platforms.Daily;

namespace RtcBench.Agent.Platforms;

/// <summary>What a platform needs to set up a room.</summary>
/// <param name="RoomId">The room id.</param>
/// <param name="AdvertisedHost">The host name or address runners should reach this agent at.</param>
/// <param name="ExpiresAtNs">Monotonic ns (the agent's clock) at which the room expires.</param>
/// <param name="ExpiresAt">The same instant as wall-clock time (for platforms whose rooms expire by a server's clock).</param>
/// <param name="DailyTopology">The Daily topology the runner asked for in /connect (default SFU).</param>
internal sealed record RoomContext(Guid RoomId, string AdvertisedHost, long ExpiresAtNs, DateTimeOffset ExpiresAt, DailyTopology DailyTopology)
{
    /// <summary>The room's idle timeout (a platform whose runner has not shown up by then may give up on it).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The janus path the runner asked for in /connect (<c>sfu</c>, <c>textroom</c>, <c>echo</c>); null: sfu.</summary>
    public string? JanusPath { get; init; }
}

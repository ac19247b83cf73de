using RtcBench.Platforms.Daily;

namespace RtcBench.Agent.Http;

/// <summary>A parsed POST /connect body; null members were not given.</summary>
internal sealed record ConnectRequest(IReadOnlyList<string>? Platforms, long? TtlSeconds, long? IdleTimeoutSeconds, string? Client)
{
    public static ConnectRequest Empty { get; } = new(null, null, null, null);

    /// <summary>The Daily topology to create the room with ("sfu" or "p2p"); SFU when not given.</summary>
    public DailyTopology? DailyTopology { get; init; }

    /// <summary>The janus path to set the room up for ("sfu", "textroom" or "echo"); sfu when not given.</summary>
    public string? JanusPath { get; init; }
}

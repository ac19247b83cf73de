using RtcBench.Core.Timing;

namespace RtcBench.Platforms;

/// <summary>What a platform client gets besides its credentials.</summary>
public sealed record PlatformJoinContext(string RoomId, MonoTime Clock)
{
    /// <summary>The ping size the run will use (platforms with a message-size limit refuse too large a payload at join).</summary>
    public int PayloadBytes { get; init; }

    /// <summary>The echo agent's base URL, for platforms whose credentials point back at it (e.g. direct's signal_url).</summary>
    public Uri? AgentUrl { get; init; }

    /// <summary>Sent as X-Api-Key on requests to the agent, when it requires one. Never logged.</summary>
    public string? ApiKey { get; init; }
}

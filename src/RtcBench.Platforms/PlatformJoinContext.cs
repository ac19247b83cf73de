using RtcBench.Core.Timing;

namespace RtcBench.Platforms;

/// <summary>What a platform client gets besides its credentials.</summary>
public sealed record PlatformJoinContext(string RoomId, MonoTime Clock)
{
    /// <summary>The ping size the run will use (platforms with a message-size limit refuse too large a payload at join).</summary>
    public int PayloadBytes { get; init; }
}

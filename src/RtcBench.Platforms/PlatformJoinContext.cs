using RtcBench.Core.Timing;

namespace RtcBench.Platforms;

/// <summary>What a platform client gets besides its credentials.</summary>
public sealed record PlatformJoinContext(string RoomId, MonoTime Clock);

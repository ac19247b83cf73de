namespace RtcBench.Agent.Platforms;

/// <summary>A platform's view of a room's traffic.</summary>
/// <param name="PingsEchoed">Pongs sent.</param>
/// <param name="LastActivityNs">Monotonic ns (the agent's clock) of the last valid message, null when none.</param>
internal readonly record struct PlatformRoomActivity(long PingsEchoed, long? LastActivityNs);

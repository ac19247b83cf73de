namespace RtcBench.Agent.Rooms;

/// <summary>A room's traffic over all its platforms.</summary>
/// <param name="PingsEchoed">Pongs sent, summed over platforms.</param>
/// <param name="LastActivityNs">Monotonic ns of the last valid message, or the creation time when none.</param>
internal readonly record struct RoomActivity(long PingsEchoed, long LastActivityNs);

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>A command to the werift media process failed: werift's own error, or the process is gone.</summary>
internal sealed class WeriftException(string message) : Exception(message);

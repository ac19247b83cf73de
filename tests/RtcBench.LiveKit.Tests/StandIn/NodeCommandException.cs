namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>A command to a node helper process (<see cref="JsonLineProcess"/>) failed: the script's own error, or the process is gone.</summary>
internal sealed class NodeCommandException(string message) : Exception(message);

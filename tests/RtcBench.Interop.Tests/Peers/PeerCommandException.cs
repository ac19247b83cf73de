namespace RtcBench.Interop.Tests.Peers;

/// <summary>A command the independent stack could not carry out; the message is its own error text.</summary>
internal sealed class PeerCommandException(string message) : Exception(message);

namespace RtcBench.Core.Protocol;

/// <summary>The fields of a ping as read off the wire (DESIGN §3).</summary>
public readonly record struct PingFields(RunId RunId, long Seq, long SentNs, int PadLength);

/// <summary>
/// The fields of a pong: the ping's fields echoed back, plus the echo's receive and send times on its own
/// monotonic clock and that clock's wall-clock anchor (unix µs − monotonic µs), constant for a session.
/// </summary>
public readonly record struct PongFields(
    RunId RunId, long Seq, long SentNs, long EchoRxNs, long EchoTxNs, double EchoWallAnchorUs, int PadLength);

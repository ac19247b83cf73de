namespace RtcBench.Core.Measurement;

/// <summary>
/// Everything measured about one ping. Times are nanoseconds on the runner's monotonic clock (t1 = SentNs,
/// t4 = ReceivedNs) or on the echo's monotonic clock (t2 = EchoRxNs, t3 = EchoTxNs); 0 means "did not happen".
/// A mutable struct stored in a pre-sized array so the hot path never allocates.
/// </summary>
public struct PingRecord
{
    public long Seq;
    public PingStatus Status;
    public bool IsWarmup;

    /// <summary>When the schedule wanted it sent (runner monotonic ns).</summary>
    public long ScheduledNs;

    /// <summary>When it was actually handed to the transport: t1 (runner monotonic ns).</summary>
    public long SentNs;

    /// <summary>When its pong was received, taken in the transport's receive path: t4 (runner monotonic ns).</summary>
    public long ReceivedNs;

    /// <summary>t2: the echo's receive time on the echo's monotonic clock.</summary>
    public long EchoRxNs;

    /// <summary>t3: the echo's send time on the echo's monotonic clock.</summary>
    public long EchoTxNs;

    /// <summary>The echo clock's wall anchor carried by the pong (unix µs − monotonic µs).</summary>
    public double EchoWallAnchorUs;

    /// <summary>Pongs received for this seq beyond the first (duplicated by the network or replayed).</summary>
    public int Duplicates;

    /// <summary>
    /// Answered by the ping itself coming back from a reflector (e.g. Janus's EchoTest), not by an echo's pong: there
    /// are no echo timestamps (t2, t3), so no net RTT and no clock estimate.
    /// </summary>
    public bool Reflected;

    public readonly bool Answered => ReceivedNs != 0;

    /// <summary>RTT = t4 − t1 in nanoseconds, or null when unanswered.</summary>
    public readonly long? RttNs => Answered ? ReceivedNs - SentNs : null;

    /// <summary>Net RTT = (t4 − t1) − (t3 − t2): excludes the echo's processing time; null when unanswered or reflected.</summary>
    public readonly long? NetRttNs => Answered && !Reflected ? (ReceivedNs - SentNs) - (EchoTxNs - EchoRxNs) : null;

    /// <summary>How late the ping left compared with its schedule (actual − scheduled).</summary>
    public readonly long SendDelayNs => SentNs == 0 ? 0 : SentNs - ScheduledNs;
}

namespace RtcBench.Runner.Pacing;

/// <summary>
/// How an open-loop sender catches up after falling behind (a stall, a descheduled thread, a GC pause). The schedule
/// never moves: every ping keeps its scheduled time and the delay is recorded (no coordinated omission). But the pings
/// that fell due during the stall do not leave back to back: each goes no sooner than half its scheduled gap after the
/// previous actual send, i.e. at twice the scheduled rate until the sender is back on schedule. A burst would load the
/// path with several pings at once and measure their queueing behind one another instead of the path.
/// </summary>
internal static class CatchUp
{
    /// <summary>No ping sent yet.</summary>
    public const long NoneSent = long.MinValue;

    /// <summary>When the next ping may be sent (monotonic ns).</summary>
    /// <param name="scheduledNs">The next ping's scheduled time.</param>
    /// <param name="previousScheduledNs">The previous ping's scheduled time.</param>
    /// <param name="previousSentNs">When the previous ping actually went, or <see cref="NoneSent"/>.</param>
    public static long SendAtNs(long scheduledNs, long previousScheduledNs, long previousSentNs)
    {
        if (previousSentNs == NoneSent || scheduledNs == long.MaxValue)
        {
            return scheduledNs;
        }
        long halfGap = Math.Max(0, scheduledNs - previousScheduledNs) / 2;
        return Math.Max(scheduledNs, previousSentNs + halfGap);
    }
}

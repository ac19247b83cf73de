namespace RtcBench.Storage.Delivery;

/// <summary>
/// What a runner's spool holds at one moment: the one reading that both the runner's <c>--status-file</c> and its
/// report to the results service (<c>POST /api/runners/heartbeat</c>, shown on the service's <c>/metrics</c>) carry,
/// so the two never disagree.
/// </summary>
/// <param name="Pending">Runs waiting to be delivered.</param>
/// <param name="OldestAgeSeconds">Seconds since the oldest waiting run started; 0 when none waits.</param>
/// <param name="Bytes">Bytes of the waiting documents on disk.</param>
/// <param name="Rejected">Documents the service refused, kept in <c>rejected/</c> (never re-sent).</param>
public sealed record SpoolState(int Pending, double OldestAgeSeconds, long Bytes, int Rejected)
{
    public static readonly SpoolState Empty = new(0, 0, 0, 0);
}

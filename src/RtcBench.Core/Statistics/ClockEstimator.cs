using RtcBench.Core.Measurement;

namespace RtcBench.Core.Statistics;

/// <summary>
/// Estimates the echo-minus-runner clock offset and one-way delays (DESIGN §4), NTP style, from ok pings.
/// <para>
/// Every time is first placed on one wall scale: runner times (t1 = SentNs, t4 = ReceivedNs) as
/// runnerWallAnchorUs + t/1000, echo times (t2 = EchoRxNs, t3 = EchoTxNs) as EchoWallAnchorUs + t/1000.
/// Differences of two such wall-scale times are computed as (anchor_a − anchor_b) + (t_a − t_b)/1000 so that no
/// ~1.7·10¹⁵ µs magnitude is formed and sub-microsecond precision survives; that is the same quantity, only
/// evaluated in a better order.
/// </para>
/// <para>
/// θ = ((t2 − t1) + (t3 − t4)) / 2 from the ok ping with the smallest RTT (the first in seq order on ties), the
/// one least disturbed by queueing; its error bound is RTT_min / 2 since path asymmetry cannot be observed.
/// Per ok ping: forward = (t2 − t1) − θ, backward = (t4 − t3) + θ (forward + backward = its net RTT); the
/// estimate reports their medians (linear percentile).
/// </para>
/// </summary>
internal static class ClockEstimator
{
    /// <summary>Returns null when no ping is ok with echo timestamps (a reflector's pings have none).</summary>
    public static ClockEstimate? Estimate(ReadOnlySpan<PingRecord> records, double runnerWallAnchorUs)
    {
        int reference = -1;
        long bestRtt = long.MaxValue;
        int ok = 0;
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly PingRecord r = ref records[i];
            if (r.Status != PingStatus.Ok || r.Reflected)
            {
                continue;
            }
            ok++;
            long rtt = r.ReceivedNs - r.SentNs;
            if (rtt < bestRtt || (rtt == bestRtt && r.Seq < records[reference].Seq))
            {
                bestRtt = rtt;
                reference = i;
            }
        }
        if (reference < 0)
        {
            return null;
        }
        double theta = Offset(records[reference], runnerWallAnchorUs);
        var forward = new double[ok];
        var backward = new double[ok];
        int k = 0;
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly PingRecord r = ref records[i];
            if (r.Status != PingStatus.Ok || r.Reflected)
            {
                continue;
            }
            forward[k] = WallDeltaUs(r.EchoWallAnchorUs, r.EchoRxNs, runnerWallAnchorUs, r.SentNs) - theta;
            backward[k] = WallDeltaUs(runnerWallAnchorUs, r.ReceivedNs, r.EchoWallAnchorUs, r.EchoTxNs) + theta;
            k++;
        }
        Array.Sort(forward);
        Array.Sort(backward);
        return new ClockEstimate
        {
            OffsetUs = theta,
            ErrorBoundUs = bestRtt / 1000.0 / 2,
            ReferenceSeq = records[reference].Seq,
            ForwardP50Us = Percentile.Linear(forward, 0.5),
            BackwardP50Us = Percentile.Linear(backward, 0.5),
            Method = "min-rtt",
        };
    }

    /// <summary>θ = ((t2 − t1) + (t3 − t4)) / 2 on the wall scale, in µs.</summary>
    internal static double Offset(in PingRecord r, double runnerWallAnchorUs) =>
        (WallDeltaUs(r.EchoWallAnchorUs, r.EchoRxNs, runnerWallAnchorUs, r.SentNs)
            + WallDeltaUs(r.EchoWallAnchorUs, r.EchoTxNs, runnerWallAnchorUs, r.ReceivedNs)) / 2;

    /// <summary>
    /// (anchorAUs + aNs/1000) − (anchorBUs + bNs/1000): the difference of two wall-scale times in µs.
    /// </summary>
    internal static double WallDeltaUs(double anchorAUs, long aNs, double anchorBUs, long bNs) =>
        (anchorAUs - anchorBUs) + ((aNs - bNs) / 1000.0);
}

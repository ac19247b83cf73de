namespace RtcBench.Core.Measurement;

/// <summary>
/// What a run has measured so far, for progress displays (<see cref="PingSession.Progress"/>). Counts of measured
/// pings exclude warm-ups. A measured ping is decided once it is answered or its deadline has passed: loss so far is
/// <see cref="Lost"/> of <see cref="Decided"/>, never a guess about pings still in flight. The final statistics
/// come from the finished run, not from here (the live p50 is read from fixed 1% bins).
/// </summary>
/// <param name="Sent">Pings sent, warm-ups included.</param>
/// <param name="Total">Pings the run will send, warm-ups included.</param>
/// <param name="Answered">Pings answered, warm-ups included.</param>
/// <param name="Decided">Measured pings answered or past their deadline.</param>
/// <param name="Lost">Measured pings past their deadline with no answer (yet: a late answer moves one to late).</param>
/// <param name="P50Us">The median RTT of the measured pings answered in time (µs, within 0.5%), or null before the first.</param>
/// <param name="ElapsedNs">Time since the run's first scheduled ping.</param>
/// <param name="SendingLeftNs">Time until the last ping is due; 0 once every ping is sent or sending stopped.</param>
public readonly record struct PingProgress(
    int Sent,
    int Total,
    int Answered,
    int Decided,
    int Lost,
    double? P50Us,
    long ElapsedNs,
    long SendingLeftNs)
{
    /// <summary>Lost / decided, or null before any measured ping is decided.</summary>
    public double? LossRate => Decided == 0 ? null : (double)Lost / Decided;
}

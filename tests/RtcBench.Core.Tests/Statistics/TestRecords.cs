using RtcBench.Core.Measurement;

namespace RtcBench.Core.Tests.Statistics;

/// <summary>Builds <see cref="PingRecord"/>s with explicit times for statistics tests.</summary>
internal static class TestRecords
{
    /// <summary>Runner times start at 1 s so no time is 0 ("did not happen").</summary>
    public const long BaseNs = 1_000_000_000;

    public const long IntervalNs = 100_000_000;

    /// <summary>An ok ping sent on schedule with the given RTT and echo processing time.</summary>
    public static PingRecord Ok(long seq, long rttNs, long echoProcessingNs = 1_000_000) =>
        Answered(seq, rttNs, echoProcessingNs, PingStatus.Ok);

    public static PingRecord Late(long seq, long rttNs) => Answered(seq, rttNs, 1_000_000, PingStatus.Late);

    public static PingRecord Lost(long seq) => new()
    {
        Seq = seq,
        Status = PingStatus.Lost,
        ScheduledNs = BaseNs + (seq * IntervalNs),
        SentNs = BaseNs + (seq * IntervalNs),
    };

    public static PingRecord Warmup(long seq, long rttNs)
    {
        var r = Answered(seq, rttNs, 1_000_000, PingStatus.Warmup);
        r.IsWarmup = true;
        return r;
    }

    public static PingRecord Abandoned(long seq) => new()
    {
        Seq = seq,
        Status = PingStatus.Abandoned,
        ScheduledNs = BaseNs + (seq * IntervalNs),
        SentNs = BaseNs + (seq * IntervalNs),
    };

    public static PingRecord NotSent(long seq) => new()
    {
        Seq = seq,
        Status = PingStatus.NotSent,
        ScheduledNs = BaseNs + (seq * IntervalNs),
    };

    private static PingRecord Answered(long seq, long rttNs, long echoProcessingNs, PingStatus status)
    {
        long sent = BaseNs + (seq * IntervalNs);
        // Echo clock: its own origin, 5 s ahead of the runner's monotonic origin; arrival halfway through.
        long echoRx = sent + 5_000_000_000 + ((rttNs - echoProcessingNs) / 2);
        return new PingRecord
        {
            Seq = seq,
            Status = status,
            ScheduledNs = sent,
            SentNs = sent,
            EchoRxNs = echoRx,
            EchoTxNs = echoRx + echoProcessingNs,
            ReceivedNs = sent + rttNs,
            EchoWallAnchorUs = 1_700_000_000_000_000,
        };
    }
}

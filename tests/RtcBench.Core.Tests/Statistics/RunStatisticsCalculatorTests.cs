using RtcBench.Core.Measurement;
using RtcBench.Core.Statistics;

namespace RtcBench.Core.Tests.Statistics;

public sealed class RunStatisticsCalculatorTests
{
    private const double Tolerance = 1e-6;
    private const double RunnerAnchorUs = 1_700_000_000_000_000;

    /// <summary>
    /// 2 warm-ups, then seq 2 ok 10 ms, 3 ok 14 ms, 4 lost, 5 ok 11 ms, 6 late (6 s), 7 ok 11 ms, 8 not sent.
    /// </summary>
    private static PingRecord[] MixedRun() =>
    [
        TestRecords.Warmup(0, 50_000_000),
        TestRecords.Warmup(1, 1_000_000),
        TestRecords.Ok(2, 10_000_000),
        TestRecords.Ok(3, 14_000_000),
        TestRecords.Lost(4),
        TestRecords.Ok(5, 11_000_000),
        TestRecords.Late(6, 6_000_000_000),
        TestRecords.Ok(7, 11_000_000),
        TestRecords.NotSent(8),
    ];

    [Fact]
    public void Compute_MixedRun_CountsAndRates()
    {
        var s = RunStatisticsCalculator.Compute(MixedRun(), RunnerAnchorUs);
        // Sent = ok 4 + lost 1 + late 1 = 6; warm-ups and not-sent apart.
        Assert.Equal(6, s.Sent);
        Assert.Equal(4, s.Ok);
        Assert.Equal(1, s.Lost);
        Assert.Equal(1, s.Late);
        Assert.Equal(2, s.Warmup);
        Assert.Equal(1, s.NotSent);
        Assert.Equal(1.0 / 6, s.LossRate, Tolerance);
        Assert.Equal(1.0 / 6, s.LateRate, Tolerance);
    }

    [Fact]
    public void Compute_MixedRun_RttSummaryOverOkOnly()
    {
        var rtt = RunStatisticsCalculator.Compute(MixedRun(), RunnerAnchorUs).Rtt!;
        // Ok RTTs (µs): 10000, 14000, 11000, 11000 → sorted 10000, 11000, 11000, 14000.
        // mean = 46000 / 4 = 11500; deviations −1500, 2500, −500, −500; squares sum 9,000,000;
        // sample variance 9e6 / 3 = 3e6 → std dev √3e6 = 1732.0508.
        Assert.Equal(4, rtt.Count);
        Assert.Equal(10_000, rtt.MinUs, Tolerance);
        Assert.Equal(14_000, rtt.MaxUs, Tolerance);
        Assert.Equal(11_500, rtt.MeanUs, Tolerance);
        Assert.Equal(1732.0508075688772, rtt.StdDevUs, 1e-6);
        // p50: h = 1.5 → 11000; p90: h = 2.7 → 11000 + 0.7·3000 = 13100; p95: h = 2.85 → 13550;
        // p99: h = 2.97 → 13910; p99.9: h = 2.997 → 13991.
        Assert.Equal(11_000, rtt.P50Us, Tolerance);
        Assert.Equal(13_100, rtt.P90Us, Tolerance);
        Assert.Equal(13_550, rtt.P95Us, Tolerance);
        Assert.Equal(13_910, rtt.P99Us, Tolerance);
        Assert.Equal(13_991, rtt.P999Us, Tolerance);
    }

    [Fact]
    public void Compute_MixedRun_NetRttExcludesEchoProcessing()
    {
        var net = RunStatisticsCalculator.Compute(MixedRun(), RunnerAnchorUs).NetRtt!;
        // Each echo held the ping 1000 µs: net = RTT − 1000 → 9000, 10000, 10000, 13000.
        Assert.Equal(9_000, net.MinUs, Tolerance);
        Assert.Equal(13_000, net.MaxUs, Tolerance);
        Assert.Equal(10_500, net.MeanUs, Tolerance);
        Assert.Equal(10_000, net.P50Us, Tolerance);
    }

    [Fact]
    public void Compute_MixedRun_JittersInSendOrderSkippingNonOk()
    {
        var s = RunStatisticsCalculator.Compute(MixedRun(), RunnerAnchorUs);
        // RTTs in seq order (lost/late skipped): 10000, 14000, 11000, 11000 → |D| = 4000, 3000, 0.
        // RFC 3550: J1 = 4000/16 = 250; J2 = 250 + (3000 − 250)/16 = 421.875;
        // J3 = 421.875 + (0 − 421.875)/16 = 395.5078125.
        // Mean |ΔRTT| = (4000 + 3000 + 0) / 3 = 2333.333…
        Assert.Equal(395.5078125, s.JitterRfc3550Us!.Value, Tolerance);
        Assert.Equal(7000.0 / 3, s.MeanAbsDeltaRttUs!.Value, Tolerance);
    }

    [Fact]
    public void Compute_RecordsOutOfSeqOrder_JitterUsesSeqOrder()
    {
        var records = MixedRun();
        Array.Reverse(records);
        var s = RunStatisticsCalculator.Compute(records, RunnerAnchorUs);
        // Same figures as in seq order: 395.5078125 and 7000/3.
        Assert.Equal(395.5078125, s.JitterRfc3550Us!.Value, Tolerance);
        Assert.Equal(7000.0 / 3, s.MeanAbsDeltaRttUs!.Value, Tolerance);
    }

    [Fact]
    public void Compute_SingleOkPing_StdDevZeroAndNoJitterOrIntervals()
    {
        PingRecord[] records = [TestRecords.Ok(0, 20_000_000)];
        var s = RunStatisticsCalculator.Compute(records, RunnerAnchorUs);
        Assert.Equal(0, s.Rtt!.StdDevUs);
        Assert.Equal(20_000, s.Rtt.P999Us, Tolerance);
        Assert.Null(s.JitterRfc3550Us);
        Assert.Null(s.MeanAbsDeltaRttUs);
        Assert.Null(s.RttP50Ci95);
        Assert.Null(s.RttP95Ci95);
    }

    [Fact]
    public void Compute_NoRecords_AllOptionalFiguresNull()
    {
        var s = RunStatisticsCalculator.Compute([], RunnerAnchorUs);
        Assert.Equal(0, s.Sent);
        Assert.Equal(0, s.LossRate);
        Assert.Null(s.Rtt);
        Assert.Null(s.NetRtt);
        Assert.Null(s.Clock);
        Assert.Null(s.SendDelay);
        Assert.Null(s.JitterRfc3550Us);
    }

    [Fact]
    public void Compute_AllLost_LossRateOneAndNoLatency()
    {
        PingRecord[] records = [TestRecords.Lost(0), TestRecords.Lost(1)];
        var s = RunStatisticsCalculator.Compute(records, RunnerAnchorUs);
        Assert.Equal(2, s.Sent);
        Assert.Equal(1.0, s.LossRate);
        Assert.Null(s.Rtt);
        Assert.Null(s.Clock);
        Assert.NotNull(s.SendDelay);
    }

    [Fact]
    public void Compute_TenOkPings_MedianIntervalIsSecondToNinthValue()
    {
        // RTTs 1..10 ms; for n = 10 the 95% median interval is [X(2), X(9)] (F(1) = 11/1024, F(8) = 1013/1024).
        var records = new PingRecord[10];
        for (int i = 0; i < 10; i++)
        {
            records[i] = TestRecords.Ok(i, (i + 1) * 1_000_000L);
        }
        var s = RunStatisticsCalculator.Compute(records, RunnerAnchorUs);
        Assert.Equal(2_000, s.RttP50Ci95!.LowUs, Tolerance);
        Assert.Equal(9_000, s.RttP50Ci95.HighUs, Tolerance);
        Assert.Equal(0.95, s.RttP50Ci95.Level);
        Assert.Equal("order-statistic (exact binomial)", s.RttP50Ci95.Method);
        Assert.Null(s.RttP95Ci95); // n = 10 < 59
    }

    [Fact]
    public void Compute_SendDelays_SummaryOverEverySentPing()
    {
        // Delays (µs): warm-up 0, ok 100, lost 200, late 1500, ok 1000; one not-sent ping is ignored.
        PingRecord[] records =
        [
            WithDelay(TestRecords.Warmup(0, 1_000_000), 0),
            WithDelay(TestRecords.Ok(1, 1_000_000), 100_000),
            WithDelay(TestRecords.Lost(2), 200_000),
            WithDelay(TestRecords.Late(3, 6_000_000_000), 1_500_000),
            WithDelay(TestRecords.Ok(4, 1_000_000), 1_000_000),
            TestRecords.NotSent(5),
        ];
        var d = RunStatisticsCalculator.Compute(records, RunnerAnchorUs).SendDelay!;
        // mean = (0 + 100 + 200 + 1500 + 1000) / 5 = 560; sorted 0, 100, 200, 1000, 1500:
        // p99: h = 3.96 → 1000 + 0.96·500 = 1480; max 1500; late sends (> 1 ms): only 1500 (1000 is not > 1 ms).
        Assert.Equal(560, d.MeanUs, Tolerance);
        Assert.Equal(1480, d.P99Us, Tolerance);
        Assert.Equal(1500, d.MaxUs, Tolerance);
        Assert.Equal(1, d.LateSends);
    }

    [Fact]
    public void Compute_AbandonedPings_CountedApartAndInNoOtherFigure()
    {
        // The mixed run, then the echo went: seq 8 and 9 sent but abandoned (seq 9 left 5 ms late), 10 not sent.
        PingRecord[] records =
        [
            .. MixedRun().AsSpan(0, 8),
            TestRecords.Abandoned(8),
            WithDelay(TestRecords.Abandoned(9), 5_000_000),
            TestRecords.NotSent(10),
        ];
        var s = RunStatisticsCalculator.Compute(records, RunnerAnchorUs);
        var without = RunStatisticsCalculator.Compute(MixedRun().AsSpan(0, 8), RunnerAnchorUs);

        Assert.Equal(2, s.Abandoned);
        Assert.Equal(1, s.NotSent);
        // sent = ok + lost + late stays true: 4 + 1 + 1; abandoned pings are not lost.
        Assert.Equal(6, s.Sent);
        Assert.Equal(1, s.Lost);
        Assert.Equal(1.0 / 6, s.LossRate, Tolerance);
        // Every other figure is exactly what the pings before the echo went give, send delay included.
        Assert.Equal(without.Rtt, s.Rtt);
        Assert.Equal(without.NetRtt, s.NetRtt);
        Assert.Equal(without.JitterRfc3550Us, s.JitterRfc3550Us);
        Assert.Equal(without.Clock, s.Clock);
        Assert.Equal(without.SendDelay, s.SendDelay);
        Assert.Equal(0, without.Abandoned);
    }

    private static PingRecord WithDelay(PingRecord r, long delayNs)
    {
        r.SentNs = r.ScheduledNs + delayNs;
        if (r.Answered)
        {
            // Keep t4 − t1 and the echo times as built; only the send moved, so shift everything after it.
            r.ReceivedNs += delayNs;
            r.EchoRxNs += delayNs;
            r.EchoTxNs += delayNs;
        }
        return r;
    }
}

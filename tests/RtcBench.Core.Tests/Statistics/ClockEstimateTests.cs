using RtcBench.Core.Measurement;
using RtcBench.Core.Statistics;

namespace RtcBench.Core.Tests.Statistics;

/// <summary>
/// A scenario with known truth. Wall anchors: runner A_r = 1.7e15 µs, echo A_e = A_r + 500,000 µs. The echo's wall
/// clock reads 2,500 µs ahead of the runner's. Each ping spends 1 ms in the echo.
/// <code>
/// seq  forward  backward  RTT    t1 (ns)        t2 (ns)       t3 (ns)       t4 (ns)
///  0   20 ms    14 ms     35 ms  1,000,000,000  522,500,000   523,500,000   1,035,000,000
///  1   10 ms    14 ms     25 ms  1,100,000,000  612,500,000   613,500,000   1,125,000,000
///  2   10 ms    30 ms     41 ms  1,200,000,000  712,500,000   713,500,000   1,241,000,000
/// </code>
/// e.g. seq 1: t1 on the wall = A_r + 1,100,000 µs; it arrives at true time A_r + 1,110,000, when the echo's wall
/// clock reads A_r + 1,112,500 = A_e + 612,500 µs → t2 = 612,500,000 ns; t3 = t2 + 1 ms; the echo's wall
/// A_e + 613,500 is true time A_r + 1,111,000; + 14 ms → t4 = 1,125,000,000 ns.
/// </summary>
public sealed class ClockEstimateTests
{
    private const double RunnerAnchorUs = 1_700_000_000_000_000;
    private const double EchoAnchorUs = RunnerAnchorUs + 500_000;
    private const double Tolerance = 1e-6;

    private static PingRecord Ping(long seq, long t1, long t2, long t3, long t4) => new()
    {
        Seq = seq,
        Status = PingStatus.Ok,
        ScheduledNs = t1,
        SentNs = t1,
        EchoRxNs = t2,
        EchoTxNs = t3,
        ReceivedNs = t4,
        EchoWallAnchorUs = EchoAnchorUs,
    };

    private static PingRecord[] Scenario() =>
    [
        Ping(0, 1_000_000_000, 522_500_000, 523_500_000, 1_035_000_000),
        Ping(1, 1_100_000_000, 612_500_000, 613_500_000, 1_125_000_000),
        Ping(2, 1_200_000_000, 712_500_000, 713_500_000, 1_241_000_000),
    ];

    [Fact]
    public void Clock_MinRttPing_GivesOffsetAndBound()
    {
        var clock = RunStatisticsCalculator.Compute(Scenario(), RunnerAnchorUs).Clock!;
        // Reference = seq 1 (RTT 25 ms, the smallest). On the wall scale:
        // t2 − t1 = (A_e + 612,500) − (A_r + 1,100,000) = 500,000 + 612,500 − 1,100,000 = 12,500 µs;
        // t3 − t4 = (A_e + 613,500) − (A_r + 1,125,000) = 500,000 + 613,500 − 1,125,000 = −11,500 µs;
        // θ = (12,500 − 11,500) / 2 = 500 µs (true 2,500 µs minus the asymmetry (14 − 10)/2 ms = 2,000 µs,
        // inside the bound RTT_min / 2 = 12,500 µs).
        Assert.Equal(1, clock.ReferenceSeq);
        Assert.Equal(500, clock.OffsetUs, Tolerance);
        Assert.Equal(12_500, clock.ErrorBoundUs, Tolerance);
        Assert.Equal("min-rtt", clock.Method);
        Assert.InRange(2_500 - clock.OffsetUs, -clock.ErrorBoundUs, clock.ErrorBoundUs);
    }

    [Fact]
    public void Clock_OneWayEstimates_AreMediansOfPerPingValues()
    {
        var clock = RunStatisticsCalculator.Compute(Scenario(), RunnerAnchorUs).Clock!;
        // forward = (t2 − t1) − θ: seq 0: 22,500 − 500 = 22,000; seq 1: 12,500 − 500 = 12,000;
        //   seq 2: (500,000 + 712,500 − 1,200,000) − 500 = 12,000 → median 12,000.
        // backward = (t4 − t3) + θ: seq 0: (1,035,000 − 500,000 − 523,500) + 500 = 12,000; seq 1: 11,500 + 500 =
        //   12,000; seq 2: (1,241,000 − 500,000 − 713,500) + 500 = 28,000 → median 12,000.
        Assert.Equal(12_000, clock.ForwardP50Us, Tolerance);
        Assert.Equal(12_000, clock.BackwardP50Us, Tolerance);
    }

    [Fact]
    public void Clock_OnlyLateAndLost_IsNull()
    {
        var records = Scenario();
        records[0].Status = PingStatus.Late;
        records[1].Status = PingStatus.Late;
        records[2] = new PingRecord { Seq = 2, Status = PingStatus.Lost, ScheduledNs = 1, SentNs = 1 };
        Assert.Null(RunStatisticsCalculator.Compute(records, RunnerAnchorUs).Clock);
    }

    [Fact]
    public void Clock_EchoAnchorShift_ShiftsOffsetOnly()
    {
        // Moving the echo's anchor by +1,000 µs moves every echo wall time by +1,000: θ grows by 1,000 µs while the
        // one-way estimates (θ cancels out of them) stay 12,000 µs.
        var records = Scenario();
        for (int i = 0; i < records.Length; i++)
        {
            records[i].EchoWallAnchorUs += 1_000;
        }
        var clock = RunStatisticsCalculator.Compute(records, RunnerAnchorUs).Clock!;
        Assert.Equal(1_500, clock.OffsetUs, Tolerance);
        Assert.Equal(12_000, clock.ForwardP50Us, Tolerance);
        Assert.Equal(12_000, clock.BackwardP50Us, Tolerance);
    }

    [Fact]
    public void Clock_TiedMinimumRtt_TakesLowestSeq()
    {
        // Two pings with RTT 25 ms (seq 1 and a copy as seq 3); the reference is the first in seq order.
        var records = Scenario();
        var copy = records[1];
        copy.Seq = 3;
        PingRecord[] withTie = [copy, .. records];
        Assert.Equal(1, RunStatisticsCalculator.Compute(withTie, RunnerAnchorUs).Clock!.ReferenceSeq);
    }
}

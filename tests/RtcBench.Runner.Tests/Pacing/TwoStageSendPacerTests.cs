using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>
/// The two-stage strategy (<see cref="PacingCalibration.TwoStage"/>, not the default): a first precise sleep to the first margin, a short precise sleep to the short
/// margin, then a spin. The fake tells the two kinds of sleep apart by length: at 10 ms pacing the first asks for at
/// least 8 ms, a short one for at most <see cref="PacingCalibration.FirstCeilingNs"/> (2 ms).
/// </summary>
public sealed class TwoStageSendPacerTests
{
    private const long IntervalNs = 10_000_000;

    private readonly ManualClock _clock = new();
    private readonly FakeWaits _waits;
    private readonly SendPacer _pacer;

    public TwoStageSendPacerTests()
    {
        _waits = new FakeWaits(_clock);
        _pacer = new SendPacer(new MonoTime(_clock), _waits, PacingCalibration.TwoStage());
    }

    private static bool IsShort(long requestedNs) => requestedNs <= PacingCalibration.FirstCeilingNs;

    /// <summary>First sleeps oversleep <paramref name="firstNs"/>, short ones <paramref name="shortNs"/>.</summary>
    private void Oversleep(long firstNs, long shortNs) => _waits.OversleepByRequest = ns => IsShort(ns) ? shortNs : firstNs;

    private (long[] Late, long[] Spun, long[] ShortSleeps) Pace(int count, SendPacer? pacer = null)
    {
        pacer ??= _pacer;
        var late = new long[count];
        var spun = new long[count];
        var shortSleeps = new long[count];
        long due = _clock.NowNs;
        for (int i = 0; i < count; i++)
        {
            due += IntervalNs;
            long spunBefore = pacer.SpunNs, shortBefore = pacer.ShortSleeps;
            Assert.True(pacer.WaitForSend(due));
            late[i] = _clock.NowNs - due;
            spun[i] = pacer.SpunNs - spunBefore;
            shortSleeps[i] = pacer.ShortSleeps - shortBefore;
        }
        return (late, spun, shortSleeps);
    }

    [Fact]
    public void WaitForSend_BeforeAnySamples_FirstSleepToTheCeilingThenOneShortSleepToTheShortCeiling()
    {
        _waits.RecordRequests = true;
        Assert.Equal(PacingCalibration.FirstCeilingNs, _pacer.MarginNs);
        Assert.Equal(SendPacer.MaxMarginNs, _pacer.ShortMarginNs);

        var (late, spun, shortSleeps) = Pace(1);

        // 10 ms − 2 ms in one sleep, 2 ms − 1 ms in another, then the 1 ms spin of the old driver.
        Assert.Equal([IntervalNs - PacingCalibration.FirstCeilingNs, PacingCalibration.FirstCeilingNs - SendPacer.MaxMarginNs], _waits.PreciseRequests);
        Assert.Equal(1, shortSleeps[0]);
        Assert.InRange(spun[0], SendPacer.MaxMarginNs, SendPacer.MaxMarginNs + _waits.SpinStepNs);
        Assert.InRange(late[0], 0, _waits.SpinStepNs);
    }

    [Fact]
    public void WaitForSend_ShortSleepsOfAtMostTheirLimit_SeveralPerSend()
    {
        _waits.RecordRequests = true;
        var pacer = new SendPacer(new MonoTime(_clock), _waits, PacingCalibration.TwoStage(maxShortSleepNs: 250_000));

        Pace(1, pacer);

        // 2 ms − 1 ms in four short sleeps of 250 µs.
        Assert.Equal([IntervalNs - PacingCalibration.FirstCeilingNs, 250_000, 250_000, 250_000, 250_000], _waits.PreciseRequests);
        Assert.Equal(4, pacer.ShortSleeps);
    }

    [Fact]
    public void WaitForSend_LongFirstOversleepSmallShortOversleep_SpinsOnlyTheShortMargin()
    {
        // A loaded VM: the long sleep wakes 400 µs late, a short one right after a wake-up 20 µs late.
        Oversleep(firstNs: 400_000, shortNs: 20_000);

        var (late, spun, shortSleeps) = Pace(OversleepWindow.MinSamples * 4);

        Assert.Equal(400_000 + SendPacer.GuardNs, _pacer.MarginNs);
        Assert.Equal(20_000 + SendPacer.GuardNs, _pacer.ShortMarginNs);
        Assert.All(late, l => Assert.InRange(l, 0, _waits.SpinStepNs));
        Assert.Equal(0, _pacer.LateWakes);
        // Once both margins are learnt: 410 µs before the send the first sleep ends, 400 µs late, i.e. 10 µs before:
        // that is less than the short margin, so no short sleep, and the spin is the 10 µs left.
        Assert.All(spun.Skip(OversleepWindow.MinSamples * 2), s => Assert.InRange(s, 0, SendPacer.GuardNs + _waits.SpinStepNs));
        Assert.All(shortSleeps.Skip(OversleepWindow.MinSamples * 2), n => Assert.Equal(0, n));
    }

    [Fact]
    public void WaitForSend_VaryingFirstOversleep_AShortSleepCoversTheFirstMarginAndTheSpinStaysSmall()
    {
        // The first sleep usually wakes 30 µs late, 1 in 8 times 600 µs: the first margin covers 600 µs, and the usual
        // early wake-up is slept off in a short sleep rather than spun (the spin-only pacer would spin ~580 µs).
        _waits.RecordRequests = true;
        int first = 0;
        _waits.OversleepByRequest = ns => IsShort(ns) ? 15_000 : first++ % 8 == 7 ? 600_000 : 30_000;

        var (late, spun, shortSleeps) = Pace(OversleepWindow.MinSamples * 8);

        Assert.Equal(600_000 + SendPacer.GuardNs, _pacer.MarginNs);
        Assert.Equal(15_000 + SendPacer.GuardNs, _pacer.ShortMarginNs);
        Assert.All(late, l => Assert.InRange(l, 0, _waits.SpinStepNs));
        var steady = Enumerable.Range(OversleepWindow.MinSamples * 2, spun.Length - OversleepWindow.MinSamples * 2).ToList();
        // The spin: the short margin plus at most the shortest gap worth a sleep (a wake-up costs CPU too).
        Assert.All(steady, i => Assert.InRange(spun[i], 0, _pacer.ShortMarginNs + SendPacer.MinSleepNs + _waits.SpinStepNs));
        // 555 µs slept off in one short sleep on the usual wake-ups; none on the late ones.
        Assert.InRange(steady.Count(i => shortSleeps[i] == 0), steady.Count / 8 - 1, steady.Count / 8 + 1);
        Assert.All(steady, i => Assert.Contains(shortSleeps[i], new long[] { 0, 1 }));
        Assert.All(_waits.PreciseRequests.Where(IsShort), ns => Assert.InRange(ns, SendPacer.MinSleepNs, PacingCalibration.DefaultMaxShortSleepNs));
    }

    [Fact]
    public void WaitForSend_OneLongShortSleepOversleep_CoveredUntilItLeavesTheWindow()
    {
        // One short sleep on 7 sends of 8 here (the first sleep wakes 500 µs early against its learnt margin; on the
        // eighth 600 µs late, which keeps that margin).
        int first = 0, shortOnes = 0;
        _waits.OversleepByRequest = ns => IsShort(ns) ? (shortOnes++ == 100 ? 300_000 : 20_000) : first++ % 8 == 0 ? 600_000 : 100_000;

        for (int i = 0; i < 10_000 && shortOnes <= 101; i++)
        {
            Pace(1);
        }
        Assert.Equal(600_000 + SendPacer.GuardNs, _pacer.MarginNs);
        Assert.Equal(300_000 + SendPacer.GuardNs, _pacer.ShortMarginNs);

        for (int i = 0; i < 10_000 && shortOnes < 100 + OversleepWindow.Capacity; i++)
        {
            Pace(1);
        }
        Assert.Equal(100 + OversleepWindow.Capacity, shortOnes);
        Assert.Equal(300_000 + SendPacer.GuardNs, _pacer.ShortMarginNs);
        Pace(1);
        Assert.Equal(20_000 + SendPacer.GuardNs, _pacer.ShortMarginNs);
    }

    [Fact]
    public void WaitForSend_ShortRankTwo_OneLongOversleepInAFullWindowIgnored()
    {
        var pacer = new SendPacer(new MonoTime(_clock), _waits, PacingCalibration.TwoStage(shortRank: 2));
        int first = 0, shortOnes = 0;
        _waits.OversleepByRequest = ns => IsShort(ns) ? (shortOnes++ == 600 ? 300_000 : 20_000) : first++ % 8 == 0 ? 600_000 : 100_000;

        for (int i = 0; i < 10_000 && shortOnes <= 601; i++)
        {
            Pace(1, pacer);
        }
        Assert.Equal(602, shortOnes);

        Assert.Equal(20_000 + SendPacer.GuardNs, pacer.ShortMarginNs);
    }

    [Fact]
    public void WaitForSend_ShortSleepWakesAfterTheSendTime_CountedLateAndNeverEarly()
    {
        int first = 0, shortOnes = 0;
        _waits.OversleepByRequest = ns => IsShort(ns) ? (shortOnes++ == 100 ? 2_000_000 : 20_000) : first++ < OversleepWindow.MinSamples ? 600_000 : 100_000;

        var (late, _, _) = Pace(OversleepWindow.MinSamples * 8);

        Assert.Equal(1, _pacer.LateWakes);
        Assert.Single(late, l => l > _waits.SpinStepNs);
        Assert.All(late, l => Assert.True(l >= 0));
    }

    [Fact]
    public void WaitForSend_RandomOversleepsAndEarlyWakes_NeverReturnsBeforeTheSendTime()
    {
        var random = new Random(4321);
        _waits.OversleepByRequest = ns => IsShort(ns) ? random.Next(-60_000, 150_000) : random.Next(-200_000, 900_000);
        _waits.SpinStepNs = 137;

        var (late, _, _) = Pace(2_000);

        Assert.All(late, l => Assert.True(l >= 0, $"returned {l} ns before the send time"));
        Assert.InRange(late.Count(l => l > _waits.SpinStepNs), 0, _pacer.LateWakes);
    }

    [Fact]
    public void WaitForSend_ShortSleepsThatNeverSleep_BoundedPerWaitAndThenSpun()
    {
        // Every short sleep ends at once (as if interrupted by a signal each time): the loop gives up and spins.
        _waits.OversleepByRequest = ns => IsShort(ns) ? -ns : 0;

        var (late, _, shortSleeps) = Pace(1);

        Assert.Equal(SendPacer.MaxShortSleepsPerWait, shortSleeps[0]);
        Assert.InRange(late[0], 0, _waits.SpinStepNs);
    }

    [Fact]
    public void WaitForSend_SharedCalibration_ALaterPacerStartsWithBothMarginsLearnt()
    {
        Oversleep(firstNs: 400_000, shortNs: 20_000);
        var calibration = PacingCalibration.TwoStage();
        Pace(OversleepWindow.MinSamples * 2, new SendPacer(new MonoTime(_clock), _waits, calibration));

        var second = new SendPacer(new MonoTime(_clock), _waits, calibration);

        Assert.Equal(400_000 + SendPacer.GuardNs, second.MarginNs);
        Assert.Equal(20_000 + SendPacer.GuardNs, second.ShortMarginNs);
    }

    [Fact]
    public void WaitForSend_Steady_AllocatesNothing()
    {
        int first = 0;
        _waits.OversleepByRequest = ns => IsShort(ns) ? 15_000 : first++ % 8 == 7 ? 600_000 : 30_000;
        Pace(OversleepWindow.MinSamples * 4);
        long due = _clock.NowNs;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            due += IntervalNs;
            _pacer.WaitForSend(due);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(_pacer.ShortSleeps > 500);
    }

    [Fact]
    public void OversleepWindow_RankOne_CoversTheLargestEvenInAFullWindow()
    {
        var window = new OversleepWindow(rank: 1, ceilingNs: 2_000_000);
        Assert.Equal(2_000_000, window.MarginNs);
        for (int i = 0; i < OversleepWindow.Capacity; i++)
        {
            window.Add(i == 3 ? 1_500_000 : 40_000);
        }

        Assert.Equal(1_500_000 + SendPacer.GuardNs, window.MarginNs);
        Assert.Equal(2_000_000, window.Add(5_000_000)); // capped at the ceiling
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void OversleepWindow_RankOutOfRange_Throws(int rank) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OversleepWindow(rank));
}

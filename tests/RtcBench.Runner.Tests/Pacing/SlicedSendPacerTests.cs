using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>
/// The sliced strategy (the default): a first precise sleep to the wake margin, short precise sleeps of at most
/// <see cref="PacingCalibration.DefaultSliceNs"/> to the slice margin, then a spin. The fake tells the two kinds of
/// sleep apart by length: the first asks for milliseconds, a short one for at most 250 µs.
/// </summary>
public sealed class SlicedSendPacerTests
{
    private const long IntervalNs = 10_000_000;

    private readonly ManualClock _clock = new();
    private readonly FakeWaits _waits;
    private readonly SendPacer _pacer;

    public SlicedSendPacerTests()
    {
        _waits = new FakeWaits(_clock);
        _pacer = new SendPacer(new MonoTime(_clock), _waits);
    }

    private static bool IsSlice(long requestedNs) => requestedNs <= PacingCalibration.DefaultSliceNs;

    /// <summary>First sleeps oversleep <paramref name="firstNs"/>, short ones <paramref name="sliceNs"/>.</summary>
    private void Oversleep(long firstNs, long sliceNs) => _waits.OversleepByRequest = ns => IsSlice(ns) ? sliceNs : firstNs;

    private (long[] Late, long[] Spun, long[] Slices) Pace(int count, SendPacer? pacer = null)
    {
        pacer ??= _pacer;
        var late = new long[count];
        var spun = new long[count];
        var slices = new long[count];
        long due = _clock.NowNs;
        for (int i = 0; i < count; i++)
        {
            due += IntervalNs;
            long spunBefore = pacer.SpunNs, slicesBefore = pacer.Slices;
            Assert.True(pacer.WaitForSend(due));
            late[i] = _clock.NowNs - due;
            spun[i] = pacer.SpunNs - spunBefore;
            slices[i] = pacer.Slices - slicesBefore;
        }
        return (late, spun, slices);
    }

    [Fact]
    public void WaitForSend_BeforeAnySamples_WakesAtTheCeilingThenSleepsInSlicesToTheSliceCeiling()
    {
        _waits.RecordRequests = true;
        Assert.Equal(PacingCalibration.SlicedWakeCeilingNs, _pacer.MarginNs);
        Assert.Equal(SendPacer.MaxMarginNs, _pacer.SliceMarginNs);

        var (late, spun, slices) = Pace(1);

        // 10 ms − 2 ms in one sleep, then 2 ms − 1 ms in four sleeps of 250 µs, then the 1 ms spin of the old driver.
        Assert.Equal([IntervalNs - PacingCalibration.SlicedWakeCeilingNs, 250_000, 250_000, 250_000, 250_000], _waits.PreciseRequests);
        Assert.Equal(4, slices[0]);
        Assert.InRange(spun[0], SendPacer.MaxMarginNs, SendPacer.MaxMarginNs + _waits.SpinStepNs);
        Assert.InRange(late[0], 0, _waits.SpinStepNs);
    }

    [Fact]
    public void WaitForSend_LongFirstOversleepShortSliceOversleep_SpinsOnlyTheSliceMargin()
    {
        // A loaded VM: the long sleep wakes 400 µs late, a short one right after a wake-up 20 µs late.
        Oversleep(firstNs: 400_000, sliceNs: 20_000);

        var (late, spun, slices) = Pace(OversleepWindow.MinSamples * 4);

        Assert.Equal(400_000 + SendPacer.GuardNs, _pacer.MarginNs);
        Assert.Equal(20_000 + SendPacer.GuardNs, _pacer.SliceMarginNs);
        Assert.All(late, l => Assert.InRange(l, 0, _waits.SpinStepNs));
        Assert.Equal(0, _pacer.LateWakes);
        // Once both margins are learnt: 410 µs before the send the first sleep ends, 400 µs late, i.e. 10 µs before:
        // that is less than the slice margin, so no short sleep, and the spin is the 10 µs left.
        Assert.All(spun.Skip(OversleepWindow.MinSamples * 2), s => Assert.InRange(s, 0, SendPacer.GuardNs + _waits.SpinStepNs));
        Assert.All(slices.Skip(OversleepWindow.MinSamples * 2), n => Assert.Equal(0, n));
    }

    [Fact]
    public void WaitForSend_VaryingFirstOversleep_ShortSleepsCoverTheWakeMarginAndTheSpinStaysSmall()
    {
        // The first sleep usually wakes 30 µs late, 1 in 8 times 600 µs: the wake margin covers 600 µs, and the usual
        // early wake-up is slept off in short sleeps rather than spun (the spin-only pacer would spin ~580 µs).
        _waits.RecordRequests = true;
        int first = 0;
        _waits.OversleepByRequest = ns => IsSlice(ns) ? 15_000 : first++ % 8 == 7 ? 600_000 : 30_000;

        var (late, spun, slices) = Pace(OversleepWindow.MinSamples * 8);

        Assert.Equal(600_000 + SendPacer.GuardNs, _pacer.MarginNs);
        Assert.Equal(15_000 + SendPacer.GuardNs, _pacer.SliceMarginNs);
        Assert.All(late, l => Assert.InRange(l, 0, _waits.SpinStepNs));
        var steady = Enumerable.Range(OversleepWindow.MinSamples * 2, spun.Length - OversleepWindow.MinSamples * 2).ToList();
        // The spin: the slice margin plus at most the shortest gap worth a sleep (a wake-up costs CPU too).
        Assert.All(steady, i => Assert.InRange(spun[i], 0, _pacer.SliceMarginNs + SendPacer.MinSleepNs + _waits.SpinStepNs));
        // 555 µs slept off in short sleeps of at most 250 µs (two) on the usual wake-ups; none on the late ones.
        Assert.InRange(steady.Count(i => slices[i] == 0), steady.Count / 8 - 1, steady.Count / 8 + 1);
        Assert.All(steady, i => Assert.Contains(slices[i], new long[] { 0, 2 }));
        Assert.All(_waits.PreciseRequests.Where(IsSlice), ns => Assert.InRange(ns, SendPacer.MinSleepNs, PacingCalibration.DefaultSliceNs));
    }

    [Fact]
    public void WaitForSend_OneLongSliceOversleepInAFullWindow_IgnoredThenTheSecondLargestCovered()
    {
        // Slices happen on every send here (the first sleep wakes 500 µs early against its learnt margin).
        int first = 0, slice = 0;
        _waits.OversleepByRequest = ns => IsSlice(ns) ? (slice++ == 700 ? 300_000 : slice == 900 ? 60_000 : 20_000) : first++ < OversleepWindow.MinSamples ? 600_000 : 100_000;

        Pace(OversleepWindow.MinSamples * 2);
        Assert.Equal(600_000 + SendPacer.GuardNs, _pacer.MarginNs);

        while (slice <= 700 + OversleepWindow.Capacity / 2)
        {
            Pace(1);
        }
        // A full window holds the 300 µs wake and the 60 µs one: the margin covers the second largest only.
        Assert.Equal(60_000 + SendPacer.GuardNs, _pacer.SliceMarginNs);
    }

    [Fact]
    public void WaitForSend_SliceWakesAfterTheSendTime_CountedLateAndNeverEarly()
    {
        int first = 0, slice = 0;
        _waits.OversleepByRequest = ns => IsSlice(ns) ? (slice++ == 100 ? 2_000_000 : 20_000) : first++ < OversleepWindow.MinSamples ? 600_000 : 100_000;

        var (late, _, _) = Pace(OversleepWindow.MinSamples * 6);

        Assert.Equal(1, _pacer.LateWakes);
        Assert.Single(late, l => l > _waits.SpinStepNs);
        Assert.All(late, l => Assert.True(l >= 0));
    }

    [Fact]
    public void WaitForSend_RandomOversleepsAndEarlyWakes_NeverReturnsBeforeTheSendTime()
    {
        var random = new Random(4321);
        _waits.OversleepByRequest = ns => IsSlice(ns) ? random.Next(-60_000, 150_000) : random.Next(-200_000, 900_000);
        _waits.SpinStepNs = 137;

        var (late, _, _) = Pace(2_000);

        Assert.All(late, l => Assert.True(l >= 0, $"returned {l} ns before the send time"));
        Assert.InRange(late.Count(l => l > _waits.SpinStepNs), 0, _pacer.LateWakes);
    }

    [Fact]
    public void WaitForSend_ShortSleepsThatNeverSleep_BoundedPerWaitAndThenSpun()
    {
        // Every short sleep ends at once (as if interrupted by a signal each time): the loop gives up and spins.
        _waits.OversleepByRequest = ns => IsSlice(ns) ? -ns : 0;

        var (late, _, slices) = Pace(1);

        Assert.Equal(SendPacer.MaxSlicesPerWait, slices[0]);
        Assert.InRange(late[0], 0, _waits.SpinStepNs);
    }

    [Fact]
    public void WaitForSend_SharedCalibration_ALaterPacerStartsWithBothMarginsLearnt()
    {
        Oversleep(firstNs: 400_000, sliceNs: 20_000);
        var calibration = PacingCalibration.Sliced();
        Pace(OversleepWindow.MinSamples * 2, new SendPacer(new MonoTime(_clock), _waits, calibration));

        var second = new SendPacer(new MonoTime(_clock), _waits, calibration);

        Assert.Equal(400_000 + SendPacer.GuardNs, second.MarginNs);
        Assert.Equal(20_000 + SendPacer.GuardNs, second.SliceMarginNs);
    }

    [Fact]
    public void WaitForSend_Steady_AllocatesNothing()
    {
        int first = 0;
        _waits.OversleepByRequest = ns => IsSlice(ns) ? 15_000 : first++ % 8 == 7 ? 600_000 : 30_000;
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
        Assert.True(_pacer.Slices > 1_000);
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

using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>The spin-only strategy (the default: one precise sleep, then a spin); the two-stage one: <see cref="TwoStageSendPacerTests"/>.</summary>
public sealed class SendPacerTests
{
    private const long IntervalNs = 10_000_000;

    private readonly ManualClock _clock = new();
    private readonly FakeWaits _waits;
    private readonly SendPacer _pacer;

    public SendPacerTests()
    {
        _waits = new FakeWaits(_clock);
        _pacer = new SendPacer(new MonoTime(_clock), _waits, PacingCalibration.SpinOnly());
    }

    /// <summary>Waits for <paramref name="count"/> sends 10 ms apart; returns how late each one returned (ns) and each spin.</summary>
    private (long[] Late, long[] Spun) Pace(int count)
    {
        var late = new long[count];
        var spun = new long[count];
        long due = _clock.NowNs;
        for (int i = 0; i < count; i++)
        {
            due += IntervalNs;
            long spunBefore = _pacer.SpunNs;
            Assert.True(_pacer.WaitForSend(due));
            late[i] = _clock.NowNs - due;
            spun[i] = _pacer.SpunNs - spunBefore;
        }
        return (late, spun);
    }

    [Fact]
    public void WaitForSend_BeforeAnySamples_SpinsTheFullCeiling()
    {
        Assert.Equal(SendPacer.MaxMarginNs, _pacer.MarginNs);

        var (late, spun) = Pace(1);

        Assert.InRange(late[0], 0, _waits.SpinStepNs);
        Assert.InRange(spun[0], SendPacer.MaxMarginNs, SendPacer.MaxMarginNs + _waits.SpinStepNs);
    }

    [Fact]
    public void WaitForSend_SteadyOversleep_MarginLearnsItAndSpinIsTensOfMicroseconds()
    {
        _waits.Oversleep = _ => 30_000;

        var (late, spun) = Pace(OversleepWindow.MinSamples + 20);

        Assert.Equal(30_000 + SendPacer.GuardNs, _pacer.MarginNs);
        // Once learnt, each send spins only the guard beyond the oversleep, never the old 1 ms.
        Assert.All(spun.Skip(OversleepWindow.MinSamples), s => Assert.InRange(s, 0, SendPacer.GuardNs + _waits.SpinStepNs));
        Assert.All(late, l => Assert.InRange(l, 0, _waits.SpinStepNs));
        Assert.Equal(0, _pacer.LateWakes);
    }

    [Fact]
    public void WaitForSend_TinyOversleep_MarginHoldsItsFloor()
    {
        _waits.Oversleep = _ => 1_000;

        Pace(OversleepWindow.MinSamples + 5);

        Assert.Equal(SendPacer.MinMarginNs, _pacer.MarginNs);
    }

    [Fact]
    public void WaitForSend_RandomOversleepAndEarlyWakes_NeverReturnsBeforeTheSendTime()
    {
        var random = new Random(1234);
        _waits.Oversleep = _ => random.Next(-200_000, 400_000);
        _waits.SpinStepNs = 137;

        var (late, _) = Pace(2_000);

        Assert.All(late, l => Assert.True(l >= 0, $"returned {l} ns before the send time"));
        // Late only when a sleep overslept the whole margin; the margin covers the worst of the window, so rarely.
        Assert.InRange(late.Count(l => l > _waits.SpinStepNs), 0, _pacer.LateWakes);
        Assert.InRange(_pacer.LateWakes, 0, late.Count(l => l > 0));
    }

    [Fact]
    public void WaitForSend_OneLongOversleep_CoveredWhileTheWindowFillsThenIgnored()
    {
        const int spike = OversleepWindow.MinSamples + 5;
        _waits.Oversleep = i => i == spike ? 400_000 : 30_000;

        Pace(spike + 1);
        Assert.Equal(400_000 + SendPacer.GuardNs, _pacer.MarginNs);

        // Once the window is full (the long wake still in it) the margin covers the third-largest oversleep: one
        // rare long wake does not make every later send spin for it.
        Pace(OversleepWindow.Capacity - (spike + 1));
        Assert.Equal(30_000 + SendPacer.GuardNs, _pacer.MarginNs);
    }

    [Fact]
    public void WaitForSend_ThreeLongOversleepsInAFullWindow_MarginCoversTheSmallestUntilTheyLeave()
    {
        _waits.Oversleep = i => i == 100 ? 400_000 : i == 200 ? 250_000 : i == 300 ? 150_000 : 30_000;

        Pace(OversleepWindow.Capacity);
        Assert.Equal(150_000 + SendPacer.GuardNs, _pacer.MarginNs);

        Pace(301);
        Assert.Equal(30_000 + SendPacer.GuardNs, _pacer.MarginNs);
    }

    [Fact]
    public void WaitForSend_HalfFullWindow_MarginCoversTheSecondLargest()
    {
        _waits.Oversleep = i => i == 20 ? 400_000 : i == 40 ? 250_000 : 30_000;

        Pace(OversleepWindow.Capacity / 2 - 1);
        Assert.Equal(400_000 + SendPacer.GuardNs, _pacer.MarginNs);

        Pace(1);
        Assert.Equal(250_000 + SendPacer.GuardNs, _pacer.MarginNs);
    }

    [Fact]
    public void WaitForSend_SharedWindow_ALaterPacerStartsCalibrated()
    {
        _waits.Oversleep = _ => 30_000;
        var window = PacingCalibration.SpinOnly();
        var first = new SendPacer(new MonoTime(_clock), _waits, window);
        long due = _clock.NowNs;
        for (int i = 0; i < OversleepWindow.MinSamples; i++)
        {
            first.WaitForSend(due += IntervalNs);
        }

        var second = new SendPacer(new MonoTime(_clock), _waits, window);

        Assert.Equal(30_000 + SendPacer.GuardNs, second.MarginNs);
        Assert.Equal(SendPacer.MaxMarginNs, new SendPacer(new MonoTime(_clock), _waits, PacingCalibration.SpinOnly()).MarginNs);
    }

    [Fact]
    public void WaitForSend_OversleepBeyondTheCeiling_MarginCappedAndTheLateWakeCounted()
    {
        _waits.Oversleep = i => i == OversleepWindow.MinSamples + 2 ? 5_000_000 : 30_000;

        var (late, _) = Pace(OversleepWindow.MinSamples + 3);

        Assert.Equal(SendPacer.MaxMarginNs, _pacer.MarginNs);
        Assert.Equal(1, _pacer.LateWakes);
        Assert.True(late[^1] > 0);
    }

    [Fact]
    public void WaitForSend_FarAway_SleepsCoarselyThenPreciselyAndStaysStoppable()
    {
        long due = _clock.NowNs + 100_000_000;

        Assert.True(_pacer.WaitForSend(due));

        Assert.Equal(1, _waits.CoarseSleeps);
        Assert.Equal(1, _waits.PreciseSleeps);
        Assert.True(_clock.NowNs >= due);
    }

    [Fact]
    public void WaitForSend_TenMillisecondsAway_OnePreciseSleepAndNoCoarseOne()
    {
        _waits.Oversleep = _ => 30_000;

        var (late, _) = Pace(OversleepWindow.MinSamples + 20);

        // One timer wake-up per send at 10 ms pacing: the wave-1 pacer woke twice (coarse, then precise).
        Assert.Equal(0, _waits.CoarseSleeps);
        Assert.Equal(OversleepWindow.MinSamples + 20, _waits.PreciseSleeps);
        Assert.All(late, l => Assert.InRange(l, 0, _waits.SpinStepNs));
    }

    [Fact]
    public void WaitForSend_PreciseSpanOfTheCoarseLead_SleepsCoarselyFirstAsTheWaveOnePacerDid()
    {
        var pacer = new SendPacer(new MonoTime(_clock), _waits, PacingCalibration.SpinOnly()) { PreciseSpanNs = SendPacer.CoarseLeadNs };

        Assert.True(pacer.WaitForSend(_clock.NowNs + IntervalNs));

        Assert.Equal(1, _waits.CoarseSleeps);
        Assert.Equal(1, _waits.PreciseSleeps);
    }

    [Fact]
    public void WaitForSend_StopDuringTheCoarseSleep_ReturnsFalseWithoutSpinning()
    {
        _waits.StopNextCoarse = true;
        long due = _clock.NowNs + 100_000_000;

        Assert.False(_pacer.WaitForSend(due));

        Assert.Equal(0, _waits.PreciseSleeps);
        Assert.Equal(0, _pacer.SpunNs);
        Assert.True(_clock.NowNs < due);
    }

    [Fact]
    public void WaitForSend_AlreadyDue_ReturnsAtOnce()
    {
        long due = _clock.NowNs - 5;

        Assert.True(_pacer.WaitForSend(due));

        Assert.Equal(0, _waits.PreciseSleeps + _waits.CoarseSleeps);
        Assert.Equal(0, _pacer.SpunNs);
    }

    [Fact]
    public void WaitLoosely_SleepsWithoutSpinning()
    {
        Assert.True(_pacer.WaitLoosely(_clock.NowNs + 3_500_000));

        Assert.Equal(1, _waits.CoarseSleeps);
        Assert.Equal(0, _pacer.SpunNs);
    }

    [Fact]
    public void WaitForSend_Steady_AllocatesNothing()
    {
        _waits.Oversleep = _ => 30_000;
        Pace(OversleepWindow.MinSamples + 5);
        long due = _clock.NowNs;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            due += IntervalNs;
            _pacer.WaitForSend(due);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}

using RtcBench.Core.Measurement;

namespace RtcBench.Core.Tests.Measurement;

public sealed class PingScheduleTests
{
    private static RunConfig Poisson(int seed, int count) => new()
    {
        Count = count,
        Warmup = 0,
        Interval = TimeSpan.FromMilliseconds(100),
        Schedule = ScheduleKind.Poisson,
        Seed = seed,
    };

    [Fact]
    public void Fixed_OffsetsAreSeqTimesInterval()
    {
        var schedule = new PingSchedule(new RunConfig { Count = 5, Warmup = 2, Interval = TimeSpan.FromMilliseconds(20) });
        Assert.Equal(7, schedule.Count);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(i * 20_000_000L, schedule.OffsetNs(i));
        }
    }

    [Fact]
    public void Poisson_SameSeed_SameOffsets()
    {
        var a = new PingSchedule(Poisson(42, 1000));
        var b = new PingSchedule(Poisson(42, 1000));
        var c = new PingSchedule(Poisson(43, 1000));
        bool anyDifferent = false;
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.OffsetNs(i), b.OffsetNs(i));
            anyDifferent |= a.OffsetNs(i) != c.OffsetNs(i);
        }
        Assert.True(anyDifferent);
    }

    [Fact]
    public void Poisson_ManyPings_MeanGapNearIntervalAndNeverNegative()
    {
        // Exponential gaps with mean 100 ms: over 100,000 gaps the sample mean has a standard error of
        // 100 ms / √100,000 ≈ 0.32 ms, so ±2 ms (≈ 6 standard errors) is a safe tolerance.
        const int count = 100_001;
        var schedule = new PingSchedule(Poisson(7, count));
        Assert.Equal(0, schedule.OffsetNs(0));
        for (int i = 1; i < count; i++)
        {
            Assert.True(schedule.OffsetNs(i) >= schedule.OffsetNs(i - 1));
        }
        double meanGapMs = schedule.OffsetNs(count - 1) / (double)(count - 1) / 1_000_000;
        Assert.InRange(meanGapMs, 98.0, 102.0);
    }

    [Fact]
    public void Poisson_GapsAreExponential_CoefficientOfVariationNearOne()
    {
        // For an exponential distribution the standard deviation equals the mean (CV = 1); a fixed schedule has 0.
        const int count = 50_001;
        var schedule = new PingSchedule(Poisson(11, count));
        double sum = 0, sumSquares = 0;
        for (int i = 1; i < count; i++)
        {
            double gap = schedule.OffsetNs(i) - schedule.OffsetNs(i - 1);
            sum += gap;
            sumSquares += gap * gap;
        }
        double n = count - 1;
        double mean = sum / n;
        double std = Math.Sqrt((sumSquares / n) - (mean * mean));
        Assert.InRange(std / mean, 0.95, 1.05);
    }
}

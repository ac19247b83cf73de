using RtcBench.Core.Statistics;

namespace RtcBench.Core.Tests.Statistics;

public sealed class OrderStatisticIntervalTests
{
    [Fact]
    public void BinomialCdf_TenHalf_MatchesHandComputedValues()
    {
        // Binomial(10, 0.5): P(B ≤ k) = Σ C(10, i) / 1024.
        // k = 0: 1/1024; k = 1: 11/1024; k = 2: 56/1024; k = 8: 1013/1024; k = 9: 1023/1024.
        double[] cdf = OrderStatisticInterval.BinomialCdf(10, 0.5);
        Assert.Equal(1 / 1024.0, cdf[0], 1e-12);
        Assert.Equal(11 / 1024.0, cdf[1], 1e-12);
        Assert.Equal(56 / 1024.0, cdf[2], 1e-12);
        Assert.Equal(1013 / 1024.0, cdf[8], 1e-12);
        Assert.Equal(1023 / 1024.0, cdf[9], 1e-12);
        Assert.Equal(1.0, cdf[10]);
    }

    [Fact]
    public void TryGetRanks_MedianOfTen_IsSecondToNinth()
    {
        // F(1) = 11/1024 = 0.0107 ≤ 0.025 < F(2) = 56/1024 = 0.0547 → l − 1 = 1, l = 2.
        // F(7) = 968/1024 = 0.9453 < 0.975 ≤ F(8) = 1013/1024 = 0.9893 → u − 1 = 8, u = 9.
        // Coverage F(8) − F(1) = 1002/1024 = 0.9785 ≥ 0.95.
        Assert.True(OrderStatisticInterval.TryGetRanks(10, 0.5, out int lower, out int upper, out bool exact));
        Assert.Equal(2, lower);
        Assert.Equal(9, upper);
        Assert.True(exact);
    }

    [Fact]
    public void TryGetRanks_MedianOfSix_IsWholeSample()
    {
        // F(0) = 1/64 = 0.0156 ≤ 0.025 → l = 1; F(5) = 63/64 = 0.984 ≥ 0.975, F(4) = 57/64 = 0.89 → u = 6.
        // Coverage 62/64 = 0.969.
        Assert.True(OrderStatisticInterval.TryGetRanks(6, 0.5, out int lower, out int upper, out _));
        Assert.Equal(1, lower);
        Assert.Equal(6, upper);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)] // best coverage [X(1), X(5)] = 1 − 2/32 = 0.9375 < 0.95
    public void TryGetRanks_MedianOfFewerThanSix_IsNone(int n)
    {
        Assert.False(OrderStatisticInterval.TryGetRanks(n, 0.5, out _, out _, out _));
    }

    [Fact]
    public void TryGetRanks_P95OfHundred_IsNinetiethToHundredth()
    {
        // Let M = 100 − B ~ Binomial(100, 0.05). pmf: P0 = 0.95^100 = 0.005921, P1 = 0.031161, P2 = 0.081182,
        // P3 = 0.139576, P4 = 0.178143, P5 = 0.180018, P6 = 0.150015, P7 = 0.106026, P8 = 0.064871,
        // P9 = 0.034902, P10 = 0.016716 (each P(k+1) = P(k)·(100 − k)/(k + 1)·0.05/0.95).
        // P(M ≤ 9) = 0.971815, P(M ≤ 10) = 0.988531.
        // F(l − 1) = P(B ≤ l − 1) = P(M ≥ 101 − l): l = 91 → P(M ≥ 10) = 0.028185 > 0.025;
        // l = 90 → P(M ≥ 11) = 0.011469 ≤ 0.025 → l = 90.
        // F(98) = P(M ≥ 2) = 0.962918 < 0.975 ≤ F(99) = P(M ≥ 1) = 0.994079 → u = 100.
        Assert.True(OrderStatisticInterval.TryGetRanks(100, 0.95, out int lower, out int upper, out _));
        Assert.Equal(90, lower);
        Assert.Equal(100, upper);
    }

    [Fact]
    public void TryGetRanks_P95MinimumSample_Is59()
    {
        // Best coverage [X(1), X(n)] = 1 − 0.95^n − 0.05^n:
        // n = 58: 0.95^58 = 0.05105 → 0.9490 < 0.95 → none; n = 59: 0.95^59 = 0.04849 → 0.9515 → exists,
        // and the upper end must be X(59) since F(57) = 1 − 0.04849 − 59·0.05·0.95^58 = 1 − 0.04849 − 0.1506 < 0.975.
        Assert.False(OrderStatisticInterval.TryGetRanks(58, 0.95, out _, out _, out _));
        Assert.True(OrderStatisticInterval.TryGetRanks(59, 0.95, out int lower, out int upper, out _));
        Assert.Equal(59, upper);
        double[] cdf = OrderStatisticInterval.BinomialCdf(59, 0.95);
        Assert.True(OrderStatisticInterval.Coverage(cdf, lower, upper) >= 0.95);
    }

    [Fact]
    public void TryGetRanks_LargeSample_UsesNormalApproximation()
    {
        // n = 10000, p = 0.5: np = 5000, σ = √2500 = 50, zσ = 1.959964·50 = 97.998.
        // l = ⌊5000 − 97.998 + 0.5⌋ = ⌊4902.502⌋ = 4902; u = ⌈5000 + 97.998 + 0.5⌉ = ⌈5098.498⌉ = 5099.
        Assert.True(OrderStatisticInterval.TryGetRanks(10_000, 0.5, out int lower, out int upper, out bool exact));
        Assert.False(exact);
        Assert.Equal(4902, lower);
        Assert.Equal(5099, upper);
    }

    [Theory]
    [InlineData(30, 0.5)]
    [InlineData(200, 0.5)]
    [InlineData(200, 0.95)]
    [InlineData(5000, 0.95)]
    public void TryGetRanks_Exact_CoverageAtLeastNinetyFivePercent(int n, double p)
    {
        Assert.True(OrderStatisticInterval.TryGetRanks(n, p, out int lower, out int upper, out bool exact));
        Assert.True(exact);
        Assert.InRange(lower, 1, upper);
        Assert.InRange(upper, lower, n);
        double[] cdf = OrderStatisticInterval.BinomialCdf(n, p);
        Assert.True(OrderStatisticInterval.Coverage(cdf, lower, upper) >= 0.95);
    }
}

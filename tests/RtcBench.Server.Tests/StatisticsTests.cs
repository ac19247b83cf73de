using RtcBench.Server.Comparison;

namespace RtcBench.Server.Tests;

/// <summary>The comparison statistics against values computed by hand (and checked with SciPy's mannwhitneyu).</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void MannWhitney_NoOverlap_HandComputedUAndZ()
    {
        // a = 1..5 all below b = 6..10: R_a = 15, U_a = 15 − 15 = 0; σ² = 25/12·11; z = (12.5 − 0.5)/σ = 2.5067.
        double[] a = [1, 2, 3, 4, 5];
        double[] b = [6, 7, 8, 9, 10];

        var (u, z, p) = MannWhitney.Test(a, b);

        Assert.Equal(0, u);
        Assert.Equal(12 / Math.Sqrt(25.0 / 12 * 11), z, 9);
        Assert.Equal(0.01219, p, 4);
    }

    [Fact]
    public void MannWhitney_Ties_UsesMidRanksAndTieCorrection()
    {
        // Pooled 1 1 2 2 | 2 3: ranks 1.5 1.5 4 4 4 6. a = {1, 2, 3} → R_a = 1.5 + 4 + 6 = 11.5, U_a = 5.5;
        // ties Σ(t³ − t) = 6 + 24 = 30; σ² = 9/12 · (7 − 30/30) = 4.5; z = max(0, |5.5 − 4.5| − 0.5)/√4.5.
        double[] a = [1, 2, 3];
        double[] b = [1, 2, 2];

        var (u, z, _) = MannWhitney.Test(a, b);

        Assert.Equal(5.5, u);
        Assert.Equal(0.5 / Math.Sqrt(4.5), z, 12);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.157299207050285)]
    [InlineData(2.0, 0.004677734981047)]
    [InlineData(-1.0, 1.842700792949715)]
    public void Erfc_KnownValues_Within1e7(double x, double expected)
    {
        Assert.Equal(expected, MannWhitney.Erfc(x), 7);
    }

    [Fact]
    public void Bootstrap_SameInputs_SameIntervals()
    {
        double[] a = Enumerable.Range(0, 300).Select(i => 10.0 + (i % 17)).Order().ToArray();
        double[] b = Enumerable.Range(0, 200).Select(i => 11.0 + (i % 13)).Order().ToArray();

        var first = Bootstrap.DifferenceIntervals(a, b);
        var second = Bootstrap.DifferenceIntervals(a, b);

        Assert.Equal(first, second);
        Assert.True(first.Median.Low <= first.Median.High);
    }
}

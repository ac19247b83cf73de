using RtcBench.Core.Statistics;

namespace RtcBench.Core.Tests.Statistics;

public sealed class PercentileTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    // [1, 2, 3, 4], n − 1 = 3:
    [InlineData(0.00, 1.0)]   // h = 0
    [InlineData(0.25, 1.75)]  // h = 0.75 → 1 + 0.75·(2 − 1)
    [InlineData(0.50, 2.5)]   // h = 1.5  → 2 + 0.5·(3 − 2)
    [InlineData(0.90, 3.7)]   // h = 2.7  → 3 + 0.7·(4 − 3)
    [InlineData(0.95, 3.85)]  // h = 2.85 → 3 + 0.85·(4 − 3)
    [InlineData(1.00, 4.0)]   // h = 3
    public void Linear_OneToFour_MatchesNumPyLinear(double q, double expected)
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(expected, Percentile.Linear(sorted, q), Tolerance);
    }

    [Theory]
    // [10, 20, 30, 40, 50], n − 1 = 4:
    [InlineData(0.50, 30.0)]   // h = 2
    [InlineData(0.90, 46.0)]   // h = 3.6   → 40 + 0.6·10
    [InlineData(0.99, 49.6)]   // h = 3.96  → 40 + 0.96·10
    [InlineData(0.999, 49.96)] // h = 3.996 → 40 + 0.996·10
    [InlineData(0.10, 14.0)]   // h = 0.4   → 10 + 0.4·10
    public void Linear_FiveValues_MatchesNumPyLinear(double q, double expected)
    {
        double[] sorted = [10, 20, 30, 40, 50];
        Assert.Equal(expected, Percentile.Linear(sorted, q), Tolerance);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public void Linear_SingleValue_ReturnsIt(double q)
    {
        double[] sorted = [7.25];
        Assert.Equal(7.25, Percentile.Linear(sorted, q));
    }

    [Fact]
    public void Linear_RepeatedValues_ReturnsTheValue()
    {
        // [5, 5, 5]: every interpolation is between equal neighbours.
        double[] sorted = [5, 5, 5];
        Assert.Equal(5.0, Percentile.Linear(sorted, 0.37));
    }

    [Fact]
    public void Linear_UnsortedInputSortedByCaller_GivesOrderStatisticAnswer()
    {
        // The function requires sorted input; callers sort. [9, 1, 5, 3] sorted is [1, 3, 5, 9]:
        // p50: h = 1.5 → 3 + 0.5·(5 − 3) = 4; p75: h = 2.25 → 5 + 0.25·(9 − 5) = 6.
        double[] values = [9, 1, 5, 3];
        Array.Sort(values);
        Assert.Equal(4.0, Percentile.Linear(values, 0.5), Tolerance);
        Assert.Equal(6.0, Percentile.Linear(values, 0.75), Tolerance);
    }

    [Fact]
    public void Linear_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => Percentile.Linear([], 0.5));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Linear_QuantileOutOfRange_Throws(double q)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Linear([1.0, 2.0], q));
    }
}

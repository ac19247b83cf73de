using RtcBench.Core.Histograms;

namespace RtcBench.Core.Tests.Histograms;

public sealed class LogHistogramTests
{
    private static LogHistogram Of(ReadOnlySpan<double> values)
    {
        var h = new LogHistogram();
        foreach (double v in values)
        {
            h.Record(v);
        }
        return h;
    }

    /// <summary>The exact order statistic the histogram's rank rule targets: rank ⌊q·(n − 1)⌋ of the sorted values.</summary>
    private static double ExactAtRank(double[] sorted, double q) => sorted[(int)Math.Floor(q * (sorted.Length - 1))];

    private static void AssertWithinOnePercent(LogHistogram h, double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        for (int i = 0; i <= 1000; i++)
        {
            double q = i / 1000.0;
            double exact = ExactAtRank(sorted, q);
            double estimate = h.Quantile(q);
            double relative = Math.Abs(estimate - exact) / exact;
            Assert.True(relative <= LogHistogram.RelativeAccuracy, $"q={q}: {estimate} vs exact {exact} ({relative:P3})");
        }
    }

    [Theory]
    [InlineData(1, 20_000.0, 0.5)]
    [InlineData(2, 150.0, 2.0)]
    [InlineData(3, 3_000_000.0, 1.0)]
    [InlineData(4, 5.0, 1.5)]
    public void Quantile_LogNormalSamples_WithinOnePercentOfExactOrderStatistic(int seed, double medianUs, double sigma)
    {
        double[] values = LogNormal.Samples(seed, 20_000, medianUs, sigma);
        AssertWithinOnePercent(Of(values), values);
    }

    [Fact]
    public void Quantile_ValuesOnBucketEdges_WithinOnePercent()
    {
        // Powers of γ are exactly where floating-point rounding could misplace a value by one bucket.
        var values = new double[2000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Pow(LogHistogram.Gamma, i - 340); // γ^−340 ≈ 0.0012 µs, above the 1 ns floor
        }
        AssertWithinOnePercent(Of(values), values);
    }

    [Fact]
    public void MinMaxCount_AreExact()
    {
        var h = Of([12.5, 3.25, 99_999.0, 7.0]);
        Assert.Equal(4, h.Count);
        Assert.Equal(3.25, h.Min);
        Assert.Equal(99_999.0, h.Max);
        Assert.Equal(3.25, h.Quantile(0));
        Assert.Equal(99_999.0, h.Quantile(1));
    }

    [Fact]
    public void Quantile_Empty_IsNaN()
    {
        var h = new LogHistogram();
        Assert.True(double.IsNaN(h.Quantile(0.5)));
        Assert.True(double.IsNaN(h.Min));
        Assert.True(double.IsNaN(h.Max));
        Assert.Equal(0, h.Count);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Quantile_OutOfRange_Throws(double q)
    {
        var h = Of([1.0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Quantile(q));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-double.Epsilon)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Record_InvalidValue_Throws(double value)
    {
        var h = new LogHistogram();
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Record(value));
        Assert.Equal(0, h.Count);
    }

    [Fact]
    public void Record_ZeroAndSubNanosecond_GoToZeroBucket()
    {
        // 0 and 0.0005 µs (< 1 ns) land in the zero bucket [0, 0.001); 5 µs in a log bucket.
        var h = Of([0.0, 0.0005, 5.0]);
        var buckets = h.Buckets.ToArray();
        Assert.Equal(2, buckets.Length);
        Assert.Equal(new HistogramBucket(0, LogHistogram.MinTrackableUs, 2), buckets[0]);
        Assert.Equal(0.0, h.Quantile(0.0));
        Assert.Equal(0.0, h.Quantile(0.5)); // rank ⌊0.5·2⌋ = 1 → the zero bucket (0.0005 answered as its floor 0)
        Assert.Equal(5.0, h.Quantile(1.0));
    }

    [Fact]
    public void Buckets_ContainTheirValuesAndSumToCount()
    {
        double[] values = LogNormal.Samples(7, 5000, 20_000, 1.0);
        var h = Of(values);
        var buckets = h.Buckets.ToArray();
        long total = 0;
        double previousHigh = 0;
        foreach (var b in buckets)
        {
            Assert.True(b.Count > 0);
            Assert.True(b.LowUs < b.HighUs);
            Assert.True(b.LowUs >= previousHigh * (1 - 1e-12));
            // A bucket's width is bounded by the accuracy: high/low = γ ≈ 1.02.
            Assert.True(b.HighUs / b.LowUs <= (1 + LogHistogram.RelativeAccuracy) / (1 - LogHistogram.RelativeAccuracy));
            previousHigh = b.HighUs;
            total += b.Count;
        }
        Assert.Equal(h.Count, total);
        foreach (double v in values)
        {
            Assert.Contains(buckets, b => b.LowUs < v && v <= b.HighUs);
        }
    }

    [Theory]
    [InlineData(11, 2)]
    [InlineData(12, 7)]
    [InlineData(13, 31)]
    public void Merge_RandomSplits_IdenticalToOneHistogramAndWithinOnePercent(int seed, int parts)
    {
        double[] values = LogNormal.Samples(seed, 10_000, 40_000, 0.8);
        var whole = Of(values);
        var random = new Random(seed);
        var pieces = new LogHistogram[parts];
        for (int i = 0; i < parts; i++)
        {
            pieces[i] = new LogHistogram();
        }
        foreach (double v in values)
        {
            pieces[random.Next(parts)].Record(v);
        }
        var merged = new LogHistogram();
        foreach (var piece in pieces)
        {
            merged.Merge(piece);
        }
        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Min, merged.Min);
        Assert.Equal(whole.Max, merged.Max);
        Assert.Equal(whole.Buckets, merged.Buckets);
        for (int i = 0; i <= 1000; i++)
        {
            Assert.Equal(whole.Quantile(i / 1000.0), merged.Quantile(i / 1000.0));
        }
        AssertWithinOnePercent(merged, values);
    }

    [Fact]
    public void Merge_WithItself_DoublesCounts()
    {
        var h = Of([1.0, 2.0, 3.0]);
        h.Merge(h);
        Assert.Equal(6, h.Count);
        Assert.Equal(6, h.Buckets.Sum(b => b.Count));
    }

    [Fact]
    public void Merge_Empty_ChangesNothing()
    {
        var h = Of([1.0, 2.0]);
        h.Merge(new LogHistogram());
        Assert.Equal(2, h.Count);
        Assert.Equal(1.0, h.Min);
        Assert.Equal(2.0, h.Max);
    }

    [Fact]
    public void Merge_IntoEmpty_CopiesMinMax()
    {
        var h = new LogHistogram();
        h.Merge(Of([4.0, 0.0]));
        Assert.Equal(0.0, h.Min);
        Assert.Equal(4.0, h.Max);
    }
}

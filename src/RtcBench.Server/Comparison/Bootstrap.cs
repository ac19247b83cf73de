using RtcBench.Core.Statistics;

namespace RtcBench.Server.Comparison;

/// <summary>
/// Percentile-bootstrap 95% confidence intervals for the differences (a − b) of medians and of 95th percentiles,
/// and for the relative difference of medians, (a − b) / max(a, b): the faster side's lead relative to the slower
/// one (continuous where the two swap, so one formula serves either winner). Each replicate resamples both samples with replacement (same sizes) and takes linear percentiles; the interval is
/// the 2.5th and 97.5th percentile of the replicates. Deterministic: a fixed seed, <see cref="Replicates"/>
/// replicates. A sample larger than <see cref="MaxSample"/> is thinned for the bootstrap only by taking every k-th
/// value of the sorted sample (which keeps its quantiles), so a query stays fast over millions of pings.
/// </summary>
internal static class Bootstrap
{
    public const int Replicates = 1000;

    public const int Seed = 20261122;

    public const int MaxSample = 20_000;

    public const string Method = "percentile bootstrap, 1000 replicates, fixed seed 20261122";

    /// <param name="a">Sample a, sorted ascending.</param>
    /// <param name="b">Sample b, sorted ascending.</param>
    public static (Interval Median, Interval P95, Interval RelativeMedian) DifferenceIntervals(double[] a, double[] b)
    {
        var sa = Thin(a);
        var sb = Thin(b);
        var random = new Random(Seed);
        var medians = new double[Replicates];
        var p95s = new double[Replicates];
        var relatives = new double[Replicates];
        var countsA = new int[sa.Length];
        var countsB = new int[sb.Length];
        for (int r = 0; r < Replicates; r++)
        {
            var (ma, pa) = Resample(sa, countsA, random);
            var (mb, pb) = Resample(sb, countsB, random);
            medians[r] = ma - mb;
            p95s[r] = pa - pb;
            relatives[r] = Relative(ma, mb);
        }
        return (Interval95(medians), Interval95(p95s), Interval95(relatives));
    }

    /// <summary>(a − b) / max(a, b): −0.25 when a is 25 % below b; 0 when both are 0 (RTTs are never negative).</summary>
    public static double Relative(double a, double b)
    {
        double slower = Math.Max(a, b);
        return slower > 0 ? (a - b) / slower : 0;
    }

    private static Interval Interval95(double[] replicates)
    {
        Array.Sort(replicates);
        return new Interval(Percentile.Linear(replicates, 0.025), Percentile.Linear(replicates, 0.975));
    }

    /// <summary>Every k-th value of a sorted sample, at most <see cref="MaxSample"/> of them.</summary>
    private static double[] Thin(double[] sorted)
    {
        if (sorted.Length <= MaxSample)
        {
            return sorted;
        }
        var thinned = new double[MaxSample];
        double step = (double)sorted.Length / MaxSample;
        for (int i = 0; i < MaxSample; i++)
        {
            thinned[i] = sorted[(int)((i + 0.5) * step)];
        }
        return thinned;
    }

    /// <summary>
    /// One resample of a sorted sample as counts per original index (a counting sort, O(n)); returns its linear
    /// p50 and p95.
    /// </summary>
    private static (double P50, double P95) Resample(double[] sorted, int[] counts, Random random)
    {
        int n = sorted.Length;
        Array.Clear(counts);
        for (int k = 0; k < n; k++)
        {
            counts[random.Next(n)]++;
        }
        return (Quantile(sorted, counts, 0.50), Quantile(sorted, counts, 0.95));
    }

    /// <summary>The linear q-quantile of the resample described by <paramref name="counts"/>.</summary>
    private static double Quantile(double[] sorted, int[] counts, double q)
    {
        int n = sorted.Length;
        double h = (n - 1) * q;
        long j = (long)Math.Floor(h);
        double t = h - j;
        double lower = ValueAtRank(sorted, counts, j);
        double upper = j + 1 < n ? ValueAtRank(sorted, counts, j + 1) : lower;
        return lower + (t * (upper - lower));
    }

    private static double ValueAtRank(double[] sorted, int[] counts, long rank)
    {
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (rank < seen)
            {
                return sorted[i];
            }
        }
        return sorted[^1];
    }
}

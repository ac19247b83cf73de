namespace RtcBench.Core.Statistics;

/// <summary>Builds a <see cref="LatencySummary"/> from sorted microsecond values.</summary>
internal static class LatencySummaries
{
    /// <param name="sorted">At least one value, ascending.</param>
    public static LatencySummary FromSorted(ReadOnlySpan<double> sorted)
    {
        int n = sorted.Length;
        double sum = 0;
        foreach (double v in sorted)
        {
            sum += v;
        }
        double mean = sum / n;
        double squares = 0;
        foreach (double v in sorted)
        {
            double d = v - mean;
            squares += d * d;
        }
        return new LatencySummary
        {
            Count = n,
            MinUs = sorted[0],
            MaxUs = sorted[^1],
            MeanUs = mean,
            StdDevUs = n > 1 ? Math.Sqrt(squares / (n - 1)) : 0,
            P50Us = Percentile.Linear(sorted, 0.50),
            P90Us = Percentile.Linear(sorted, 0.90),
            P95Us = Percentile.Linear(sorted, 0.95),
            P99Us = Percentile.Linear(sorted, 0.99),
            P999Us = Percentile.Linear(sorted, 0.999),
        };
    }
}

namespace RtcBench.Server.Comparison;

/// <summary>
/// The two-sided Mann–Whitney U test, normal approximation with tie correction and continuity correction:
/// U_a = R_a − n_a(n_a + 1)/2 with R_a the sum of a's mid-ranks in the pooled sample;
/// σ² = n_a·n_b/12 · ((N + 1) − Σ(t³ − t)/(N(N − 1))) over tie groups of size t;
/// z = (|U_a − n_a·n_b/2| − ½)/σ; p = 2(1 − Φ(z)) = erfc(z/√2).
/// </summary>
internal static class MannWhitney
{
    /// <param name="a">Sample a, sorted ascending.</param>
    /// <param name="b">Sample b, sorted ascending.</param>
    public static (double U, double Z, double P) Test(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double na = a.Length, nb = b.Length, n = na + nb;
        if (a.IsEmpty || b.IsEmpty)
        {
            return (double.NaN, double.NaN, double.NaN);
        }
        // Merge the sorted samples, giving each tie group its mid-rank.
        double rankSumA = 0, tieSum = 0;
        int i = 0, j = 0;
        long rank = 1;
        while (i < a.Length || j < b.Length)
        {
            double v = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            int countA = 0, countB = 0;
            while (i < a.Length && a[i] == v)
            {
                countA++;
                i++;
            }
            while (j < b.Length && b[j] == v)
            {
                countB++;
                j++;
            }
            long t = countA + countB;
            double midRank = rank + ((t - 1) / 2.0);
            rankSumA += midRank * countA;
            tieSum += ((double)t * t * t) - t;
            rank += t;
        }
        double u = rankSumA - (na * (na + 1) / 2);
        double mean = na * nb / 2;
        double variance = na * nb / 12 * ((n + 1) - (tieSum / (n * (n - 1))));
        if (!(variance > 0))
        {
            return (u, 0, 1);
        }
        double z = Math.Max(0, Math.Abs(u - mean) - 0.5) / Math.Sqrt(variance);
        return (u, z, Math.Min(1, Erfc(z / Math.Sqrt(2))));
    }

    /// <summary>Complementary error function (Numerical Recipes' erfcc, relative error below 1.2e−7).</summary>
    internal static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double poly = -0.82215223 + (t * 0.17087277);
        poly = 1.48851587 + (t * poly);
        poly = -1.13520398 + (t * poly);
        poly = 0.27886807 + (t * poly);
        poly = -0.18628806 + (t * poly);
        poly = 0.09678418 + (t * poly);
        poly = 0.37409196 + (t * poly);
        poly = 1.00002368 + (t * poly);
        poly = -1.26551223 + (t * poly);
        double r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}

namespace RtcBench.Core.Statistics;

/// <summary>
/// Distribution-free confidence intervals for a quantile ξ_p from order statistics. With n samples from a
/// continuous distribution, the number B of samples below ξ_p is Binomial(n, p), and for 1-based ranks l &lt; u
/// P(X₍ₗ₎ ≤ ξ_p ≤ X₍ᵤ₎) = P(l ≤ B ≤ u − 1) = F(u − 1) − F(l − 1), F the Binomial(n, p) CDF.
/// <para>
/// Rule: start equal-tailed, l = the largest rank with F(l − 1) ≤ (1 − level)/2 and u = the smallest rank with
/// F(u − 1) ≥ (1 + level)/2; a rank that falls off the sample is clamped to 1 or n. While the coverage is below
/// the level, widen by one rank on the side that adds more probability. If even [X₍₁₎, X₍ₙ₎] covers less than the
/// level (coverage 1 − pⁿ − (1 − p)ⁿ), there is no interval. At the 95% level this needs n ≥ 6 for the median
/// (1 − 2·0.5⁶ = 0.969; n = 5 gives 0.9375) and n ≥ 59 for the 95th percentile (1 − 0.95⁵⁹ ≈ 0.9515; n = 58 gives
/// ≈ 0.9490).
/// </para>
/// <para>
/// F is the exact binomial CDF for n ≤ <see cref="ExactMaxN"/>; above, the normal approximation with continuity
/// correction, l = ⌊np − zσ + ½⌋, u = ⌈np + zσ + ½⌉, σ = √(np(1 − p)), z = Φ⁻¹(0.975).
/// </para>
/// </summary>
internal static class OrderStatisticInterval
{
    public const int ExactMaxN = 5000;

    public const string ExactMethod = "order-statistic (exact binomial)";

    public const string NormalMethod = "order-statistic (binomial, normal approximation)";

    /// <summary>z for a two-sided 95% interval: Φ⁻¹(0.975).</summary>
    public const double Z95 = 1.959963984540054;

    public const double Level = 0.95;

    /// <summary>
    /// Chooses 1-based ranks for a 95% interval of the <paramref name="p"/>-quantile of <paramref name="n"/>
    /// samples. Returns false when n is too small for any interval to reach 95%.
    /// </summary>
    public static bool TryGetRanks(int n, double p, out int lower, out int upper, out bool exact)
    {
        const double level = Level;
        lower = 0;
        upper = 0;
        exact = n <= ExactMaxN;
        if (n < 1 || !(p > 0 && p < 1))
        {
            return false;
        }
        if (!exact)
        {
            double sigma = Math.Sqrt(n * p * (1 - p));
            lower = Math.Clamp((int)Math.Floor((n * p) - (Z95 * sigma) + 0.5), 1, n);
            upper = Math.Clamp((int)Math.Ceiling((n * p) + (Z95 * sigma) + 0.5), 1, n);
            return true;
        }
        double[] cdf = BinomialCdf(n, p);
        // cdf[k] = P(B ≤ k) for k = 0..n; F(−1) = 0.
        double tail = (1 - level) / 2;
        lower = 1;
        for (int l = n; l >= 1; l--)
        {
            if (cdf[l - 1] <= tail)
            {
                lower = l;
                break;
            }
        }
        upper = n;
        for (int u = 1; u <= n; u++)
        {
            if (cdf[u - 1] >= 1 - tail)
            {
                upper = u;
                break;
            }
        }
        if (upper < lower)
        {
            upper = lower;
        }
        while (Coverage(cdf, lower, upper) < level)
        {
            // Widening down (l → l − 1) adds P(B = l − 1); widening up (u → u + 1) adds P(B = u).
            double gainDown = lower > 1 ? Pmf(cdf, lower - 1) : -1;
            double gainUp = upper < n ? Pmf(cdf, upper) : -1;
            if (gainDown < 0 && gainUp < 0)
            {
                return false;
            }
            if (gainUp >= gainDown)
            {
                upper++;
            }
            else
            {
                lower--;
            }
        }
        return true;
    }

    /// <summary>P(l ≤ B ≤ u − 1) = F(u − 1) − F(l − 1).</summary>
    internal static double Coverage(double[] cdf, int lower, int upper) => cdf[upper - 1] - cdf[lower - 1];

    /// <summary>The CDF of Binomial(n, p) at k = 0..n, from pmfs computed in log space (no underflow of the terms that matter).</summary>
    internal static double[] BinomialCdf(int n, double p)
    {
        var cdf = new double[n + 1];
        double logP = Math.Log(p);
        double logQ = Math.Log(1 - p);
        double logPmf = n * logQ;
        double sum = 0;
        for (int k = 0; k <= n; k++)
        {
            if (k > 0)
            {
                logPmf += Math.Log((double)(n - k + 1) / k) + logP - logQ;
            }
            sum += Math.Exp(logPmf);
            cdf[k] = Math.Min(sum, 1.0);
        }
        cdf[n] = 1.0;
        return cdf;
    }

    /// <summary>P(B = k) from the CDF.</summary>
    private static double Pmf(double[] cdf, int k) => cdf[k] - (k > 0 ? cdf[k - 1] : 0);
}

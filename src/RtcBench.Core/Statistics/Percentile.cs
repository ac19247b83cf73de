namespace RtcBench.Core.Statistics;

/// <summary>
/// Percentiles by linear interpolation between order statistics, exactly NumPy's default
/// (<c>numpy.percentile(a, 100·q, method='linear')</c>, Hyndman–Fan type 7): for n sorted values x₀ ≤ … ≤ x₍ₙ₋₁₎,
/// h = (n − 1)·q, j = ⌊h⌋, t = h − j, and the answer is x_j + t·(x_{j+1} − x_j) (x_j itself when j = n − 1).
/// The interpolation is evaluated the way NumPy's <c>_lerp</c> does it (from the nearer end when t ≥ 0.5), so
/// results agree with NumPy to the last bit for the same inputs.
/// </summary>
public static class Percentile
{
    /// <summary>The q-quantile (q in [0, 1]) of <paramref name="sorted"/>, which must be sorted ascending.</summary>
    /// <exception cref="ArgumentException"><paramref name="sorted"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in [0, 1].</exception>
    public static double Linear(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A percentile needs at least one value.", nameof(sorted));
        }
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile must be in [0, 1].");
        }
        double h = (sorted.Length - 1) * q;
        int j = (int)Math.Floor(h);
        if (j >= sorted.Length - 1)
        {
            return sorted[^1];
        }
        double t = h - j;
        double a = sorted[j];
        double b = sorted[j + 1];
        double diff = b - a;
        return t >= 0.5 ? b - (diff * (1 - t)) : a + (diff * t);
    }
}

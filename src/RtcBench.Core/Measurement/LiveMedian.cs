namespace RtcBench.Core.Measurement;

/// <summary>
/// A running median of RTTs for progress displays: counts in fixed logarithmic bins 1% wide (1 µs … ~7 min), so
/// recording allocates nothing and reading walks at most <see cref="Bins"/> counters. The answer is the geometric
/// middle of the bin holding the value of rank ⌊(n − 1)/2⌋ (the rank rule of the run's statistics), within 0.5%
/// of that value. Not thread-safe: <see cref="PingSession"/> uses it under its lock.
/// </summary>
internal sealed class LiveMedian
{
    /// <summary>Bin i holds values in [1.01^i, 1.01^(i+1)) µs; bin 0 also holds everything below 1 µs.</summary>
    internal const int Bins = 2100;

    private static readonly double InvLogBase = 1.0 / Math.Log(1.01);

    private readonly int[] _counts = new int[Bins];
    private int _count;

    public int Count => _count;

    public void Record(long rttNs)
    {
        double us = rttNs / 1000.0;
        int bin = us <= 1 ? 0 : Math.Min(Bins - 1, (int)(Math.Log(us) * InvLogBase));
        _counts[bin]++;
        _count++;
    }

    /// <summary>The median in µs, or null when nothing was recorded.</summary>
    public double? MedianUs()
    {
        if (_count == 0)
        {
            return null;
        }
        int rank = (_count - 1) / 2;
        int seen = 0;
        for (int bin = 0; bin < Bins; bin++)
        {
            seen += _counts[bin];
            if (seen > rank)
            {
                return Math.Pow(1.01, bin + 0.5);
            }
        }
        return Math.Pow(1.01, Bins - 0.5);
    }
}

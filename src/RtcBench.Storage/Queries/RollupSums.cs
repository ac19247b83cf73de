using RtcBench.Core.Histograms;

namespace RtcBench.Storage.Queries;

/// <summary>
/// What aggregation keeps of a set of runs, and nothing it cannot combine exactly: counts, the merged RTT histogram
/// (order statistics within the histogram's accuracy), Σ mean·ok over Σ ok (the mean of all ok RTTs) and
/// Σ mean|ΔRTT|·(ok−1) over Σ (ok−1) (jitter). Runs and rollups add up through the same two methods.
/// </summary>
public sealed class RollupSums
{
    public long Runs { get; private set; }

    public long Sent { get; private set; }

    public long Ok { get; private set; }

    public long Lost { get; private set; }

    public long Late { get; private set; }

    public long MeanCount { get; private set; }

    public double MeanSum { get; private set; }

    public long Pairs { get; private set; }

    public double JitterSum { get; private set; }

    /// <summary>Runs whose stored histogram bytes do not decode: not merged; an exact answer must read those runs.</summary>
    public long Undecodable { get; private set; }

    public LogHistogram Histogram { get; private set; } = new();

    /// <summary>Adds one run: its counts, RTT mean, mean |ΔRTT| and serialised histogram (empty: none).</summary>
    /// <remarks>Histogram bytes that do not decode are counted in <see cref="Undecodable"/>, not merged.</remarks>
    public void AddRun(int sent, int ok, int lost, int late, double? rttMeanUs, double? meanAbsDeltaRttUs, ReadOnlySpan<byte> histogram)
    {
        Runs++;
        Sent += sent;
        Ok += ok;
        Lost += lost;
        Late += late;
        MergeHistogram(histogram);
        if (rttMeanUs is { } mean && ok > 0)
        {
            MeanSum += mean * ok;
            MeanCount += ok;
        }
        if (meanAbsDeltaRttUs is { } jitter && ok > 1)
        {
            JitterSum += jitter * (ok - 1);
            Pairs += ok - 1;
        }
    }

    /// <summary>Adds another set of runs.</summary>
    public void Add(RollupSums other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Runs += other.Runs;
        Sent += other.Sent;
        Ok += other.Ok;
        Lost += other.Lost;
        Late += other.Late;
        MeanCount += other.MeanCount;
        MeanSum += other.MeanSum;
        Pairs += other.Pairs;
        JitterSum += other.JitterSum;
        Undecodable += other.Undecodable;
        Histogram.Merge(other.Histogram);
    }

    /// <summary>A stored rollup's sums.</summary>
    /// <exception cref="InvalidOperationException">The stored merged histogram does not decode.</exception>
    public static RollupSums FromStored(
        long runs, long sent, long ok, long lost, long late, long meanCount, double meanSum, long pairs, double jitterSum, long undecodable, ReadOnlySpan<byte> histogram)
    {
        var sums = new RollupSums
        {
            Runs = runs, Sent = sent, Ok = ok, Lost = lost, Late = late,
            MeanCount = meanCount, MeanSum = meanSum, Pairs = pairs, JitterSum = jitterSum, Undecodable = undecodable,
        };
        if (histogram.Length > 0)
        {
            if (!LogHistogram.TryDeserialize(histogram, out var decoded))
            {
                throw new InvalidOperationException("A stored rollup histogram does not decode.");
            }
            sums.Histogram = decoded!;
        }
        return sums;
    }

    /// <summary>The merged histogram's bytes; empty when no ok ping was pooled.</summary>
    public byte[] SerializeHistogram() => Histogram.Count == 0 ? [] : Histogram.Serialize();

    private void MergeHistogram(ReadOnlySpan<byte> histogram)
    {
        if (histogram.Length == 0)
        {
            return;
        }
        if (!LogHistogram.TryDeserialize(histogram, out var decoded))
        {
            Undecodable++;
            return;
        }
        Histogram.Merge(decoded!);
    }
}

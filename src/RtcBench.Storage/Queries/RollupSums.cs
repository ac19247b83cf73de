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

    private LogHistogram? _histogram;

    /// <summary>
    /// A stored rollup's histogram bytes, validated and decoded on first use (in one pass), or merged into another
    /// straight from the bytes: a query over thousands of rows reads each once or twice instead of three times.
    /// </summary>
    private byte[]? _stored;

    /// <summary>The merged histogram.</summary>
    /// <exception cref="InvalidOperationException">Stored bytes (<see cref="FromStored(long, long, long, long, long, long, double, long, double, long, byte[])"/>) do not decode.</exception>
    public LogHistogram Histogram
    {
        get
        {
            if (_histogram is null)
            {
                if (_stored is null)
                {
                    _histogram = new LogHistogram();
                }
                else if (LogHistogram.TryDeserialize(_stored, out var decoded))
                {
                    _histogram = decoded!;
                    _stored = null;
                }
                else
                {
                    throw new InvalidOperationException("A stored rollup histogram does not decode.");
                }
            }
            return _histogram;
        }
    }

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
        if (other._stored is { } stored && _histogram is null && _stored is null)
        {
            // Nothing merged here yet: share the stored bytes (never written), decoded on first use; a result group
            // of one rollup row (a day of a series in daily buckets) decodes once, when its figures are read, and not
            // while the groups are gathered.
            _stored = stored;
        }
        else if (other._stored is { } bytes)
        {
            // A stored rollup row not decoded yet: merged from its bytes (aggregating a year of a fleet adds ~10⁵ rows);
            // nothing is added when they do not decode.
            if (!Histogram.TryMergeSerialized(bytes))
            {
                throw new InvalidOperationException("A stored rollup histogram does not decode.");
            }
        }
        else if (other._histogram is { Count: > 0 } histogram)
        {
            Histogram.Merge(histogram);
        }
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
            sums._histogram = decoded!;
        }
        return sums;
    }

    /// <summary>Stored rollup rows merged by the database: their sums, and their histograms' bytes one after another.</summary>
    /// <exception cref="InvalidOperationException">A stored merged histogram does not decode.</exception>
    public static RollupSums FromStoredSequence(
        long runs, long sent, long ok, long lost, long late, long meanCount, double meanSum, long pairs, double jitterSum, long undecodable, ReadOnlySpan<byte> histograms)
    {
        var sums = new RollupSums
        {
            Runs = runs, Sent = sent, Ok = ok, Lost = lost, Late = late,
            MeanCount = meanCount, MeanSum = meanSum, Pairs = pairs, JitterSum = jitterSum, Undecodable = undecodable,
        };
        if (!sums.Histogram.TryMergeSerializedSequence(histograms))
        {
            throw new InvalidOperationException("A stored rollup histogram does not decode.");
        }
        return sums;
    }

    /// <summary>
    /// A stored rollup's sums, keeping <paramref name="histogram"/> (not copied) until its histogram is used: then
    /// validated as it is decoded or merged, and <see cref="InvalidOperationException"/> when it does not decode.
    /// </summary>
    public static RollupSums FromStored(
        long runs, long sent, long ok, long lost, long late, long meanCount, double meanSum, long pairs, double jitterSum, long undecodable, byte[] histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        return new RollupSums
        {
            Runs = runs, Sent = sent, Ok = ok, Lost = lost, Late = late,
            MeanCount = meanCount, MeanSum = meanSum, Pairs = pairs, JitterSum = jitterSum, Undecodable = undecodable,
            _stored = histogram.Length > 0 ? histogram : null,
        };
    }

    /// <summary>The merged histogram's bytes; empty when no ok ping was pooled.</summary>
    public byte[] SerializeHistogram() => Histogram.Count == 0 ? [] : Histogram.Serialize();

    private void MergeHistogram(ReadOnlySpan<byte> histogram)
    {
        if (histogram.Length == 0)
        {
            return;
        }
        if (!Histogram.TryMergeSerialized(histogram))
        {
            Undecodable++;
        }
    }
}

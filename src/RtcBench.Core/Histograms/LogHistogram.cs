namespace RtcBench.Core.Histograms;

/// <summary>
/// A mergeable histogram of non-negative microsecond values with bounded relative error (DDSketch-style
/// logarithmic buckets), used to pool latency distributions across runs without averaging percentiles
/// (DESIGN §4).
/// <para>
/// <b>Buckets.</b> With γ = (1 + a) / (1 − a), bucket i holds the values v with γ^(i−1) &lt; v ≤ γ^i, i.e.
/// i = ⌈log_γ v⌉. The bucket's representative value 2γ^i / (γ + 1) is within a relative distance a of every value
/// in the bucket. The design accuracy a is 0.99%, slightly tighter than the advertised
/// <see cref="RelativeAccuracy"/> of 1%, so floating-point rounding at a bucket edge can never push an answer past
/// 1%. Values below <see cref="MinTrackableUs"/> (1 ns, the resolution of every timestamp RtcBench takes) go to a
/// separate zero bucket whose representative is 0.
/// </para>
/// <para>
/// <b>Quantile rank rule.</b> For n recorded values and q in [0, 1], <see cref="Quantile"/> answers the order
/// statistic of 0-based rank r = ⌊q·(n − 1)⌋ (NumPy's <c>method='lower'</c>): the representative of the bucket
/// holding that value, clamped to [<see cref="Min"/>, <see cref="Max"/>]; rank 0 and rank n − 1 answer the exact
/// minimum and maximum. The answer is within 1% (relative) of the true value at that rank for every value
/// ≥ <see cref="MinTrackableUs"/>. The answer depends only on bucket counts, Min and Max, so a histogram merged
/// from parts answers exactly what a histogram of all the values answers.
/// </para>
/// <para>
/// <b>Encoding</b> (<see cref="EncodingName"/>): see <see cref="Serialize"/>.
/// </para>
/// Not thread-safe.
/// </summary>
public sealed class LogHistogram
{
    public const string EncodingName = "rtcbench-loghist/1";

    /// <summary>The guaranteed bound on the relative error of a quantile (1%).</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>Values below this (µs) are counted in the zero bucket and answered as 0: 1 ns.</summary>
    public const double MinTrackableUs = 0.001;

    /// <summary>The design accuracy of the bucket grid, a little tighter than the advertised bound.</summary>
    internal const double DesignAccuracy = 0.0099;

    internal static readonly double Gamma = (1 + DesignAccuracy) / (1 - DesignAccuracy);
    private static readonly double InvLnGamma = 1.0 / Math.Log(Gamma);

    /// <summary>The smallest bucket index a value ≥ <see cref="MinTrackableUs"/> can have.</summary>
    internal static readonly int MinIndex = IndexOf(MinTrackableUs);

    /// <summary>The largest bucket index a finite double can have.</summary>
    internal static readonly int MaxIndex = IndexOf(double.MaxValue);

    private long[] _counts = [];
    private int _offset;
    private int _lowIndex = int.MaxValue;
    private int _highIndex = int.MinValue;
    private long _zeroCount;
    private long _count;
    private double _min = double.NaN;
    private double _max = double.NaN;

    /// <summary>How many values have been recorded.</summary>
    public long Count => _count;

    /// <summary>The exact smallest recorded value (µs), or NaN when empty.</summary>
    public double Min => _min;

    /// <summary>The exact largest recorded value (µs), or NaN when empty.</summary>
    public double Max => _max;

    /// <summary>
    /// Records one value in microseconds. Values in [0, <see cref="MinTrackableUs"/>) go to the zero bucket.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public void Record(double valueUs)
    {
        if (!double.IsFinite(valueUs) || valueUs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(valueUs), valueUs, "Values must be finite and non-negative.");
        }
        if (valueUs < MinTrackableUs)
        {
            _zeroCount++;
        }
        else
        {
            AddToBucket(IndexOf(valueUs), 1);
        }
        _count++;
        UpdateMinMax(valueUs, valueUs);
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram. <paramref name="other"/> is unchanged.</summary>
    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._count == 0)
        {
            return;
        }
        if (ReferenceEquals(other, this))
        {
            other = other.Clone();
        }
        for (int i = other._lowIndex; i <= other._highIndex; i++)
        {
            long c = other._counts[i - other._offset];
            if (c != 0)
            {
                AddToBucket(i, c);
            }
        }
        _zeroCount += other._zeroCount;
        _count += other._count;
        UpdateMinMax(other._min, other._max);
    }

    /// <summary>
    /// Adds the serialised histogram <paramref name="data"/> (<see cref="Serialize"/>) to this one without building it
    /// first: the same result as <see cref="TryDeserialize"/> then <see cref="Merge"/>, without allocating. False, and
    /// nothing added, when the bytes do not decode.
    /// </summary>
    public bool TryMergeSerialized(ReadOnlySpan<byte> data) => LogHistogramEncoding.TryMergeInto(data, this);

    /// <summary>
    /// Adds every histogram of <paramref name="data"/>, serialised forms (<see cref="Serialize"/>) written one after
    /// another (as a database concatenates them), to this one, in one pass. False at the first that does not decode,
    /// with part of the data added: discard this histogram then.
    /// </summary>
    public bool TryMergeSerializedSequence(ReadOnlySpan<byte> data) => LogHistogramEncoding.TryMergeSequenceInto(data, this);

    /// <summary>True when <paramref name="data"/> is a histogram <see cref="TryDeserialize"/> accepts.</summary>
    public static bool IsValidSerialized(ReadOnlySpan<byte> data) => LogHistogramEncoding.IsValid(data);

    /// <summary>
    /// The value at quantile <paramref name="q"/> by the rank rule in the class remarks, or NaN when empty.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in [0, 1].</exception>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile must be in [0, 1].");
        }
        if (_count == 0)
        {
            return double.NaN;
        }
        long rank = (long)Math.Floor(q * (_count - 1));
        if (rank <= 0)
        {
            return _min;
        }
        if (rank >= _count - 1)
        {
            return _max;
        }
        double value = _max;
        long seen = _zeroCount;
        if (rank < seen)
        {
            value = 0;
        }
        else
        {
            for (int i = _lowIndex; i <= _highIndex; i++)
            {
                seen += _counts[i - _offset];
                if (rank < seen)
                {
                    value = Representative(i);
                    break;
                }
            }
        }
        return Math.Clamp(value, _min, _max);
    }

    /// <summary>The non-empty buckets in ascending order of value, the zero bucket first.</summary>
    public IEnumerable<HistogramBucket> Buckets
    {
        get
        {
            if (_zeroCount > 0)
            {
                yield return new HistogramBucket(0, MinTrackableUs, _zeroCount);
            }
            for (int i = _lowIndex; i <= _highIndex; i++)
            {
                long c = _counts[i - _offset];
                if (c != 0)
                {
                    yield return new HistogramBucket(UpperBound(i - 1), UpperBound(i), c);
                }
            }
        }
    }

    /// <summary>
    /// The compact binary form (<see cref="EncodingName"/>), all integers unsigned LEB128 varints:
    /// <code>
    /// byte    format = 1
    /// varint  zero-bucket count
    /// varint  B = number of non-empty log buckets
    /// if count > 0:  float64 LE Min, float64 LE Max
    /// if B > 0:      varint zigzag(first bucket index), varint its count,
    ///                then B − 1 times: varint index delta (≥ 1), varint count (≥ 1)
    /// </code>
    /// </summary>
    public byte[] Serialize() => LogHistogramEncoding.Serialize(this);

    /// <summary>
    /// Reads the form <see cref="Serialize"/> writes. Returns false, never throws, for anything else: truncated,
    /// trailing bytes, out-of-range indices, zero counts, count overflow, Min/Max inconsistent with the buckets.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> data, out LogHistogram? histogram) =>
        LogHistogramEncoding.TryDeserialize(data, out histogram);

    internal long ZeroCount => _zeroCount;

    internal int LowIndex => _lowIndex;

    internal int HighIndex => _highIndex;

    internal int NonEmptyBucketCount
    {
        get
        {
            int n = 0;
            for (int i = _lowIndex; i <= _highIndex; i++)
            {
                if (_counts[i - _offset] != 0)
                {
                    n++;
                }
            }
            return n;
        }
    }

    internal long CountAt(int index) =>
        index < _offset || index >= _offset + _counts.Length ? 0 : _counts[index - _offset];

    /// <summary>Adds a decoded zero-bucket count and min/max (when it has values); the caller validated every part.</summary>
    internal void AddDecoded(long zeroCount, bool hasValues, double min, double max)
    {
        _zeroCount += zeroCount;
        _count += zeroCount;
        if (hasValues)
        {
            UpdateMinMax(min, max);
        }
    }

    /// <summary>Adds a bucket count while decoding (index and count validated by the caller).</summary>
    internal void AddDecodedBucket(int index, long count)
    {
        AddToBucket(index, count);
        _count += count;
    }

    /// <summary>The bucket index of a value ≥ <see cref="MinTrackableUs"/>: ⌈log_γ v⌉.</summary>
    internal static int IndexOf(double valueUs) => (int)Math.Ceiling(Math.Log(valueUs) * InvLnGamma);

    /// <summary>The upper edge γ^i of bucket i.</summary>
    internal static double UpperBound(int index) => Math.Pow(Gamma, index);

    /// <summary>The value within relative distance <see cref="DesignAccuracy"/> of both edges of bucket i.</summary>
    internal static double Representative(int index) => 2 * UpperBound(index) / (Gamma + 1);

    private LogHistogram Clone()
    {
        var copy = new LogHistogram
        {
            _counts = (long[])_counts.Clone(),
            _offset = _offset,
            _lowIndex = _lowIndex,
            _highIndex = _highIndex,
            _zeroCount = _zeroCount,
            _count = _count,
            _min = _min,
            _max = _max,
        };
        return copy;
    }

    private void UpdateMinMax(double min, double max)
    {
        if (double.IsNaN(_min) || min < _min)
        {
            _min = min;
        }
        if (double.IsNaN(_max) || max > _max)
        {
            _max = max;
        }
    }

    private void AddToBucket(int index, long count)
    {
        if (_counts.Length == 0 || index < _offset || index >= _offset + _counts.Length)
        {
            Grow(index);
        }
        _counts[index - _offset] += count;
        if (index < _lowIndex)
        {
            _lowIndex = index;
        }
        if (index > _highIndex)
        {
            _highIndex = index;
        }
    }

    /// <summary>
    /// Allocates the bucket array for indices [<paramref name="low"/>, <paramref name="high"/>] exactly, when this
    /// histogram has none yet (decoding validated bytes); nothing otherwise, or when the range is empty.
    /// </summary>
    internal void Reserve(int low, int high)
    {
        if (_counts.Length == 0 && low <= high && low >= MinIndex && high <= MaxIndex)
        {
            _counts = new long[high - low + 1];
            _offset = low;
        }
    }

    /// <summary>Re-allocates the dense bucket array so it covers <paramref name="index"/>, with slack on both sides.</summary>
    private void Grow(int index)
    {
        int low = _counts.Length == 0 ? index : Math.Min(_offset, index);
        int high = _counts.Length == 0 ? index : Math.Max(_offset + _counts.Length - 1, index);
        int slack = Math.Max(32, _counts.Length / 2);
        int newLow = Math.Max(MinIndex, low - slack);
        int newHigh = Math.Min(MaxIndex, high + slack);
        var counts = new long[newHigh - newLow + 1];
        if (_counts.Length != 0)
        {
            Array.Copy(_counts, 0, counts, _offset - newLow, _counts.Length);
        }
        _counts = counts;
        _offset = newLow;
    }
}

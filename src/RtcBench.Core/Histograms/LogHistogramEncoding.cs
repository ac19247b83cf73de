using System.Buffers.Binary;

namespace RtcBench.Core.Histograms;

/// <summary>
/// Writes and reads the <c>rtcbench-loghist/1</c> binary form described on <see cref="LogHistogram.Serialize"/>.
/// The reader is written for hostile input: every length is checked against the bytes left and the index range,
/// it never throws and never allocates more than the bounded bucket range.
/// </summary>
internal static class LogHistogramEncoding
{
    public const byte FormatVersion = 1;

    /// <summary>The most non-empty log buckets a valid histogram can have (the whole index range).</summary>
    public static int MaxBuckets => LogHistogram.MaxIndex - LogHistogram.MinIndex + 1;

    public static byte[] Serialize(LogHistogram histogram)
    {
        int buckets = histogram.NonEmptyBucketCount;
        // Worst case: 1 + 10 + 10 + 16 + buckets × (10 + 10).
        var buffer = new byte[37 + (buckets * 20)];
        int pos = 0;
        buffer[pos++] = FormatVersion;
        pos += WriteVarint(buffer.AsSpan(pos), (ulong)histogram.ZeroCount);
        pos += WriteVarint(buffer.AsSpan(pos), (ulong)buckets);
        if (histogram.Count > 0)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(pos), histogram.Min);
            BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(pos + 8), histogram.Max);
            pos += 16;
        }
        int previous = 0;
        bool first = true;
        for (int i = histogram.LowIndex; i <= histogram.HighIndex; i++)
        {
            long count = histogram.CountAt(i);
            if (count == 0)
            {
                continue;
            }
            ulong key = first ? ZigZag(i) : (ulong)(i - previous);
            pos += WriteVarint(buffer.AsSpan(pos), key);
            pos += WriteVarint(buffer.AsSpan(pos), (ulong)count);
            previous = i;
            first = false;
        }
        return buffer.AsSpan(0, pos).ToArray();
    }

    public static bool TryDeserialize(ReadOnlySpan<byte> data, out LogHistogram? histogram)
    {
        histogram = null;
        // Validated first, so the bucket array is allocated once, exactly the buckets' range (growing it as the
        // buckets arrive allocated ~4× that: most of what a query decoding thousands of histograms allocated).
        if (!TryRead(data, null, out int length, out int low, out int high) || length != data.Length)
        {
            return false;
        }
        var result = new LogHistogram();
        result.Reserve(low, high);
        TryRead(data, result, out _, out _, out _);
        histogram = result;
        return true;
    }

    /// <summary>
    /// Adds the histogram in <paramref name="data"/> to <paramref name="target"/> without building it first: the bytes
    /// are validated completely, then merged (nothing is added when they do not decode).
    /// </summary>
    public static bool TryMergeInto(ReadOnlySpan<byte> data, LogHistogram target)
    {
        if (!TryRead(data, null, out int length, out int low, out int high) || length != data.Length)
        {
            return false;
        }
        // An empty target gets its bucket array once, exactly the range (a merge into a new histogram).
        target.Reserve(low, high);
        return TryRead(data, target);
    }

    /// <summary>True when <paramref name="data"/> decodes.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data) => TryRead(data, null);

    /// <summary>
    /// Adds every histogram of <paramref name="data"/>, serialised forms written one after another, to
    /// <paramref name="target"/> in one pass; false at the first that does not decode, leaving part of it added
    /// (the caller discards the target then).
    /// </summary>
    public static bool TryMergeSequenceInto(ReadOnlySpan<byte> data, LogHistogram target)
    {
        while (!data.IsEmpty)
        {
            if (!TryRead(data, target, out int length))
            {
                return false;
            }
            data = data[length..];
        }
        return true;
    }

    /// <summary>Validates <paramref name="data"/> (one whole serialised histogram), adding it to <paramref name="into"/> when given.</summary>
    private static bool TryRead(ReadOnlySpan<byte> data, LogHistogram? into) =>
        TryRead(data, into, out int length) && length == data.Length;

    private static bool TryRead(ReadOnlySpan<byte> data, LogHistogram? into, out int length) =>
        TryRead(data, into, out length, out _, out _);

    /// <summary>
    /// Validates the serialised histogram at the start of <paramref name="data"/> (<paramref name="length"/>: its
    /// bytes), adding it to <paramref name="into"/> (when given) as it goes.
    /// </summary>
    /// <param name="low">The lowest non-empty bucket index (1 and <paramref name="high"/> 0 when there is none).</param>
    /// <param name="high">The highest non-empty bucket index.</param>
    private static bool TryRead(ReadOnlySpan<byte> data, LogHistogram? into, out int length, out int low, out int high)
    {
        length = 0;
        low = 1;
        high = 0;
        int pos = 0;
        if (data.IsEmpty || data[pos++] != FormatVersion)
        {
            return false;
        }
        if (!TryReadVarint(data, ref pos, out ulong zero) || zero > long.MaxValue
            || !TryReadVarint(data, ref pos, out ulong bucketCount) || bucketCount > (ulong)MaxBuckets)
        {
            return false;
        }
        int buckets = (int)bucketCount;
        long total = (long)zero;
        double min = double.NaN, max = double.NaN;
        bool hasValues = zero > 0 || buckets > 0;
        if (hasValues)
        {
            if (data.Length - pos < 16)
            {
                return false;
            }
            min = BinaryPrimitives.ReadDoubleLittleEndian(data[pos..]);
            max = BinaryPrimitives.ReadDoubleLittleEndian(data[(pos + 8)..]);
            pos += 16;
            if (!double.IsFinite(min) || !double.IsFinite(max) || min < 0 || min > max)
            {
                return false;
            }
        }
        // Each bucket takes at least two bytes: reject counts the remaining input cannot hold before allocating.
        if (buckets > (data.Length - pos) / 2)
        {
            return false;
        }
        int index = 0;
        int firstIndex = 0;
        for (int b = 0; b < buckets; b++)
        {
            if (!TryReadVarint(data, ref pos, out ulong key))
            {
                return false;
            }
            long next;
            if (b == 0)
            {
                next = UnZigZag(key);
            }
            else
            {
                if (key == 0 || key > (ulong)MaxBuckets)
                {
                    return false;
                }
                next = index + (long)key;
            }
            if (next < LogHistogram.MinIndex || next > LogHistogram.MaxIndex)
            {
                return false;
            }
            index = (int)next;
            if (b == 0)
            {
                firstIndex = index;
            }
            if (!TryReadVarint(data, ref pos, out ulong count) || count == 0 || count > (ulong)(long.MaxValue - total))
            {
                return false;
            }
            total += (long)count;
            into?.AddDecodedBucket(index, (long)count);
        }
        length = pos;
        if (buckets > 0)
        {
            (low, high) = (firstIndex, index);
        }
        if (hasValues && !MinMaxConsistent(zero > 0, buckets, firstIndex, index, min, max))
        {
            return false;
        }
        into?.AddDecoded((long)zero, hasValues, min, max);
        return true;
    }

    /// <summary>Min must lie in the lowest non-empty bucket and Max in the highest.</summary>
    private static bool MinMaxConsistent(bool hasZero, int buckets, int firstIndex, int lastIndex, double min, double max)
    {
        bool minOk = hasZero
            ? min < LogHistogram.MinTrackableUs
            : min >= LogHistogram.MinTrackableUs && LogHistogram.IndexOf(min) == firstIndex;
        bool maxOk = buckets == 0
            ? max < LogHistogram.MinTrackableUs
            : max >= LogHistogram.MinTrackableUs && LogHistogram.IndexOf(max) == lastIndex;
        return minOk && maxOk;
    }

    private static ulong ZigZag(int value) => (ulong)(uint)((value << 1) ^ (value >> 31));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        int n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[n++] = (byte)value;
        return n;
    }

    /// <summary>Reads an unsigned LEB128 varint of at most 10 bytes; rejects truncation and overflow.</summary>
    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                return false;
            }
            byte b = data[pos++];
            if (shift == 63 && b > 1)
            {
                return false;
            }
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }
        return false;
    }
}

using RtcBench.Core.Histograms;

namespace RtcBench.Core.Tests.Histograms;

public sealed class LogHistogramEncodingTests
{
    private static LogHistogram Of(ReadOnlySpan<double> values)
    {
        var h = new LogHistogram();
        foreach (double v in values)
        {
            h.Record(v);
        }
        return h;
    }

    private static void AssertSame(LogHistogram expected, LogHistogram actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.Equal(expected.Buckets, actual.Buckets);
        for (int i = 0; i <= 100; i++)
        {
            Assert.Equal(expected.Quantile(i / 100.0), actual.Quantile(i / 100.0));
        }
    }

    [Fact]
    public void RoundTrip_LogNormalWithZeros_Equal()
    {
        var h = Of(LogNormal.Samples(21, 10_000, 20_000, 1.5));
        h.Record(0);
        h.Record(0.0002);
        byte[] bytes = h.Serialize();
        Assert.True(LogHistogram.TryDeserialize(bytes, out var back));
        AssertSame(h, back!);
        Assert.Equal(bytes, back!.Serialize());
    }

    [Fact]
    public void RoundTrip_Empty_Equal()
    {
        byte[] bytes = new LogHistogram().Serialize();
        // format byte, zero count 0, bucket count 0.
        Assert.Equal(new byte[] { 1, 0, 0 }, bytes);
        Assert.True(LogHistogram.TryDeserialize(bytes, out var back));
        Assert.Equal(0, back!.Count);
    }

    [Fact]
    public void RoundTrip_OnlyZeroBucket_Equal()
    {
        var h = Of([0.0, 0.0]);
        Assert.True(LogHistogram.TryDeserialize(h.Serialize(), out var back));
        AssertSame(h, back!);
    }

    [Fact]
    public void Serialize_KnownHistogram_HasDocumentedLayout()
    {
        // One value 1.0 µs: bucket ⌈log_γ 1⌉ = 0. Bytes: format 1, zero count 0, 1 bucket, min 1.0 and max 1.0 as
        // float64 LE (00 00 00 00 00 00 F0 3F), zigzag(0) = 0, count 1.
        byte[] bytes = Of([1.0]).Serialize();
        byte[] expected = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 1];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Serialize_TenThousandSamples_IsCompact()
    {
        // 10,000 RTTs around 20 ms (σ = 0.5) span ~200 buckets of ~2%; each costs a 1-byte delta and a 1–2-byte
        // count, so well under 1 KiB (the raw doubles would be 80,000 bytes).
        var h = Of(LogNormal.Samples(5, 10_000, 20_000, 0.5));
        Assert.True(h.Serialize().Length <= 1024, $"{h.Serialize().Length} bytes");
    }

    [Fact]
    public void TryDeserialize_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        var buffer = new byte[96];
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length > 0)
            {
                buffer[0] = LogHistogramEncoding.FormatVersion; // get past the first check half of the time
            }
            if (LogHistogram.TryDeserialize(buffer.AsSpan(0, length), out var h))
            {
                AssertConsistent(h!);
            }
        }
    }

    [Fact]
    public void TryDeserialize_TruncatedBytes_ReturnsFalse()
    {
        byte[] bytes = Of(LogNormal.Samples(8, 2000, 20_000, 1.0)).Serialize();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(LogHistogram.TryDeserialize(bytes.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void TryMergeSerialized_IntoNonEmpty_SameAsDecodeThenMerge()
    {
        var into = Of(LogNormal.Samples(3, 2_000, 20_000, 0.5));
        var expected = Of(LogNormal.Samples(3, 2_000, 20_000, 0.5));
        foreach (var other in new[] { Of(LogNormal.Samples(4, 3_000, 90_000, 1.5)), Of([0.0, 0.0005, 7.0]), new LogHistogram(), Of([1e9]) })
        {
            byte[] bytes = other.Serialize();
            Assert.True(LogHistogram.IsValidSerialized(bytes));
            Assert.True(into.TryMergeSerialized(bytes));
            Assert.True(LogHistogram.TryDeserialize(bytes, out var decoded));
            expected.Merge(decoded!);
            AssertSame(expected, into);
        }
        var empty = new LogHistogram();
        Assert.True(empty.TryMergeSerialized(Of([5.0, 6.0]).Serialize()));
        AssertSame(Of([5.0, 6.0]), empty);
    }

    [Fact]
    public void TryMergeSerializedSequence_Concatenated_SameAsMergingEach()
    {
        var parts = new[] { Of(LogNormal.Samples(5, 800, 20_000, 0.7)), new LogHistogram(), Of([0.0, 3.0]), Of([1e7]) };
        byte[] sequence = parts.Where(p => p.Count > 0).SelectMany(p => p.Serialize()).ToArray();
        var expected = new LogHistogram();
        foreach (var part in parts)
        {
            expected.Merge(part);
        }

        var merged = new LogHistogram();
        Assert.True(merged.TryMergeSerializedSequence(sequence));
        AssertSame(expected, merged);
        Assert.True(new LogHistogram().TryMergeSerializedSequence([]));
        Assert.False(new LogHistogram().TryMergeSerializedSequence(sequence.AsSpan(0, sequence.Length - 1)));
    }

    [Fact]
    public void TryMergeSerialized_MutatedBytes_AddsAllOrNothing()
    {
        byte[] original = Of(LogNormal.Samples(9, 500, 20_000, 1.0)).Serialize();
        var random = new Random(7);
        var before = Of([10.0, 20.0, 30.0]);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] mutated = original[..Math.Clamp(original.Length + random.Next(-2, 1), 0, original.Length)];
            if (mutated.Length > 0)
            {
                mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            }
            var into = Of([10.0, 20.0, 30.0]);
            bool decodes = LogHistogram.TryDeserialize(mutated, out var decoded);
            Assert.Equal(decodes, LogHistogram.IsValidSerialized(mutated));
            Assert.Equal(decodes, into.TryMergeSerialized(mutated));
            var expected = Of([10.0, 20.0, 30.0]);
            if (decodes)
            {
                expected.Merge(decoded!);
            }
            AssertSame(decodes ? expected : before, into);
        }
    }

    [Fact]
    public void TryDeserialize_MutatedBytes_NeverThrowsAndAcceptsOnlyConsistent()
    {
        byte[] original = Of(LogNormal.Samples(9, 500, 20_000, 1.0)).Serialize();
        var random = new Random(99);
        var mutated = new byte[original.Length + 8];
        for (int i = 0; i < 50_000; i++)
        {
            original.CopyTo(mutated, 0);
            int length = original.Length;
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                switch (random.Next(3))
                {
                    case 0: mutated[random.Next(length)] = (byte)random.Next(256); break;
                    case 1: mutated[random.Next(length)] ^= (byte)(1 << random.Next(8)); break;
                    default: length = Math.Clamp(length + random.Next(-3, 4), 0, mutated.Length); break;
                }
            }
            if (LogHistogram.TryDeserialize(mutated.AsSpan(0, length), out var h))
            {
                AssertConsistent(h!);
            }
        }
    }

    [Fact]
    public void TryDeserialize_HugeBucketCount_ReturnsFalse()
    {
        // format 1, zero count 0, bucket count 2^35 as a varint (80 80 80 80 80 01), then nothing.
        byte[] bytes = [1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        Assert.False(LogHistogram.TryDeserialize(bytes, out _));
    }

    [Fact]
    public void TryDeserialize_OverlongVarint_ReturnsFalse()
    {
        byte[] bytes = [1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0];
        Assert.False(LogHistogram.TryDeserialize(bytes, out _));
    }

    [Fact]
    public void TryDeserialize_TrailingByte_ReturnsFalse()
    {
        byte[] bytes = [.. Of([5.0, 6.0]).Serialize(), 0];
        Assert.False(LogHistogram.TryDeserialize(bytes, out _));
    }

    [Fact]
    public void TryDeserialize_WrongFormatVersion_ReturnsFalse()
    {
        byte[] bytes = Of([5.0]).Serialize();
        bytes[0] = 2;
        Assert.False(LogHistogram.TryDeserialize(bytes, out _));
    }

    private static void AssertConsistent(LogHistogram h)
    {
        long total = 0;
        foreach (var b in h.Buckets)
        {
            Assert.True(b.Count > 0);
            total += b.Count;
        }
        Assert.Equal(h.Count, total);
        if (h.Count > 0)
        {
            Assert.True(h.Min <= h.Max);
            double median = h.Quantile(0.5);
            Assert.InRange(median, h.Min, h.Max);
        }
    }
}

using RtcBench.Core.Histograms;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>
/// A stored rollup's histogram bytes are kept until used (a query reads thousands): a group of one row shares them and
/// decodes them once; bytes that do not decode are refused when used, never merged as nothing.
/// </summary>
public sealed class RollupSumsTests
{
    private static byte[] Histogram(params double[] values)
    {
        var histogram = new LogHistogram();
        foreach (double value in values)
        {
            histogram.Record(value);
        }
        return histogram.Serialize();
    }

    private static RollupSums Stored(byte[] histogram, long ok) =>
        RollupSums.FromStored(1, ok, ok, 0, 0, ok, 10.0 * ok, ok - 1, 1.0 * (ok - 1), 0, histogram);

    [Fact]
    public void Add_StoredRowsIntoEmptyAndFilledSums_MergesAsTheDecodedHistograms()
    {
        byte[] a = Histogram(10, 20, 30), b = Histogram(5, 500);
        var expected = new LogHistogram();
        expected.Merge(LogHistogram.TryDeserialize(a, out var da) ? da! : throw new InvalidOperationException());
        expected.Merge(LogHistogram.TryDeserialize(b, out var db) ? db! : throw new InvalidOperationException());

        var one = new RollupSums();
        one.Add(Stored(a, 3));
        var two = new RollupSums();
        two.Add(Stored(a, 3));
        two.Add(Stored(b, 2));

        Assert.Equal(a, one.SerializeHistogram());
        Assert.Equal(expected.Serialize(), two.SerializeHistogram());
        Assert.Equal((2, 5L, 5L), (two.Runs, two.Ok, two.MeanCount));
        // The stored row itself is unchanged by the sums that shared its bytes.
        var row = Stored(a, 3);
        var shared = new RollupSums();
        shared.Add(row);
        shared.Add(Stored(b, 2));
        Assert.Equal(a, row.SerializeHistogram());
    }

    [Fact]
    public void StoredBytesThatDoNotDecode_RefusedWhenUsed()
    {
        byte[] garbage = [1, 0, 200, 7, 7];

        var alone = new RollupSums();
        alone.Add(Stored(garbage, 3));
        var filled = new RollupSums();
        filled.Add(Stored(Histogram(10, 20), 2));

        Assert.Throws<InvalidOperationException>(() => Stored(garbage, 3).Histogram);
        Assert.Throws<InvalidOperationException>(() => alone.Histogram);
        Assert.Throws<InvalidOperationException>(() => filled.Add(Stored(garbage, 3)));
    }
}

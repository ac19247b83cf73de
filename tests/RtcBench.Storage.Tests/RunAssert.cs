using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

/// <summary>Field-by-field equality of run results: records by value, lists element-wise, dictionaries by content.</summary>
public static class RunAssert
{
    private static readonly IReadOnlyList<PingResult> NoPings = Array.Empty<PingResult>();

    public static void Equal(RunResult expected, RunResult? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Stats, actual.Stats);
        Assert.Equal(expected.Histogram, actual.Histogram);
        Assert.Equal(expected.Pings.Count, actual.Pings.Count);
        for (int i = 0; i < expected.Pings.Count; i++)
        {
            if (!expected.Pings[i].Equals(actual.Pings[i]))
            {
                Assert.Equal(expected.Pings[i], actual.Pings[i]);
            }
        }
        EqualPath(expected.Path, actual.Path);
        Assert.Equal(expected with { Pings = NoPings, Path = null }, actual with { Pings = NoPings, Path = null });
    }

    public static void EqualPath(PathInfo? expected, PathInfo? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected with { Details = null }, actual with { Details = null });
        if (expected.Details is null)
        {
            Assert.Null(actual.Details);
            return;
        }
        Assert.NotNull(actual.Details);
        Assert.Equal(
            expected.Details.OrderBy(kv => kv.Key, StringComparer.Ordinal),
            actual.Details.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }
}

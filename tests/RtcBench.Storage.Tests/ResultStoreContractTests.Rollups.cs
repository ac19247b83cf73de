using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>Rollups (issue 18): what a save maintains and a rebuild recomputes equals what the runs give.</summary>
public abstract partial class ResultStoreContractTests
{
    private static readonly DateTimeOffset RollupOrigin = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Rollups_RandomisedRuns_EqualSumsComputedFromTheRuns()
    {
        var store = await OpenAsync();
        var runs = RandomRuns(seed: 1818, count: 90);
        foreach (var run in runs)
        {
            Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));
        }
        // A second save of a run changes nothing, in the rollups either.
        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(runs[0], Ct));

        await AssertRollupsMatchRunsAsync(store, runs.Count);
    }

    [Fact]
    public async Task RebuildRollups_AfterSaves_RecomputesTheSameRowsFromTheRuns()
    {
        var store = await OpenAsync();
        var runs = RandomRuns(seed: 1919, count: 60);
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run, Ct);
        }

        var report = await store.RebuildRollupsAsync(Ct);

        Assert.Equal(runs.Count, report.Runs);
        Assert.Equal(
            runs.Select(r => (r.Platform, r.Location, r.Channel, r.StartedAt.UtcDateTime.Date)).Distinct().Count(),
            report.DayRows);
        await AssertRollupsMatchRunsAsync(store, runs.Count);
    }

    [Fact]
    public async Task QueryRollups_RunWithUndecodableHistogram_CountedAsUndecodable()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create(startedAt: RollupOrigin.AddMinutes(5)); // its histogram bytes are random

        await store.SaveRunAsync(run, Ct);

        var hour = Assert.Single(await store.QueryRollupsAsync(
            new AggregateFilter { Since = RollupOrigin, Until = RollupOrigin.AddHours(1) }, 3600, Ct));
        Assert.Equal((1, 1, 0), (hour.Sums.Runs, hour.Sums.Undecodable, hour.Sums.Histogram.Count));
    }

    /// <summary>Runs over three days, at random times, platforms, locations (some none) and channels, RTTs and losses.</summary>
    internal static List<RunResult> RandomRuns(int seed, int count)
    {
        var random = new Random(seed);
        string[] platforms = ["udp", "janus", "livekit"];
        string?[] locations = ["eu-west-1", "us-east-1", null];
        string[] channels = ["lossy", "reliable"];
        var runs = new List<RunResult>(count);
        for (int i = 0; i < count; i++)
        {
            int pings = random.Next(1, 30);
            double median = 5 + random.NextDouble() * 60;
            var rtts = new double?[pings];
            for (int p = 0; p < pings; p++)
            {
                double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                rtts[p] = random.NextDouble() < 0.1 ? null : median * Math.Exp(0.4 * normal);
            }
            var startedAt = RollupOrigin.AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(3).Ticks));
            runs.Add(RunnerDocuments.Create(
                rtts,
                startedAt: startedAt,
                platform: platforms[random.Next(platforms.Length)],
                location: locations[random.Next(locations.Length)],
                channel: channels[random.Next(channels.Length)]));
        }
        return runs;
    }

    /// <summary>
    /// Hour and day rollups over the whole span and over a filtered, shorter one equal the same sums built from
    /// <see cref="IResultStore.QueryRunAggregatesAsync"/>: counts and merged histograms exactly, the mean and jitter
    /// sums to the last few bits (floating-point sums in another order).
    /// </summary>
    private async Task AssertRollupsMatchRunsAsync(IResultStore store, int runCount)
    {
        AggregateFilter[] filters =
        [
            new() { Since = RollupOrigin.AddDays(-1), Until = RollupOrigin.AddDays(4) },
            new() { Platform = "udp", Since = RollupOrigin.AddDays(1), Until = RollupOrigin.AddDays(2) },
            new() { Location = "us-east-1", Channel = "lossy", Since = RollupOrigin, Until = RollupOrigin.AddDays(3) },
        ];
        long total = 0;
        foreach (var filter in filters)
        {
            var runs = await store.QueryRunAggregatesAsync(filter, Ct);
            foreach (int grain in new[] { 3600, 86400 })
            {
                var expected = new Dictionary<(string, string?, string, DateTimeOffset), RollupSums>();
                foreach (var run in runs)
                {
                    long us = (run.StartedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
                    long size = grain * 1_000_000L;
                    var key = (run.Platform, run.Location, run.Channel, DateTimeOffset.UnixEpoch.AddTicks((us - us % size) * 10));
                    if (!expected.TryGetValue(key, out var sums))
                    {
                        expected[key] = sums = new RollupSums();
                    }
                    sums.AddRun(run.Sent, run.Ok, run.Lost, run.Late, run.RttMeanUs, run.MeanAbsDeltaRttUs, run.Histogram);
                }
                var rollups = await store.QueryRollupsAsync(filter, grain, Ct);
                Assert.Equal(expected.Count, rollups.Count);
                foreach (var row in rollups)
                {
                    Assert.Equal(grain, row.GrainSeconds);
                    var want = expected[(row.Platform, row.Location, row.Channel, row.BucketStart)];
                    var got = row.Sums;
                    Assert.Equal(
                        (want.Runs, want.Sent, want.Ok, want.Lost, want.Late, want.MeanCount, want.Pairs, want.Undecodable),
                        (got.Runs, got.Sent, got.Ok, got.Lost, got.Late, got.MeanCount, got.Pairs, got.Undecodable));
                    Assert.Equal(want.SerializeHistogram(), got.SerializeHistogram());
                    Assert.Equal(want.MeanSum, got.MeanSum, Math.Abs(want.MeanSum) * 1e-12);
                    Assert.Equal(want.JitterSum, got.JitterSum, Math.Abs(want.JitterSum) * 1e-12);
                    foreach (double q in new[] { 0.5, 0.95, 0.99 })
                    {
                        Assert.Equal(want.Histogram.Quantile(q), got.Histogram.Quantile(q));
                    }
                }
                Assert.Equal(runs.Count, rollups.Sum(r => r.Sums.Runs));
            }
            total += runs.Count;
        }
        Assert.True(total >= runCount, "the first window holds every run");
    }
}

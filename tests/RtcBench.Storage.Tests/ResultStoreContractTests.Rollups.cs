using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>Rollups (issue 18): what a save maintains and a rebuild recomputes equals what the runs give.</summary>
public abstract partial class ResultStoreContractTests
{
    /// <summary>
    /// A Friday: weeks (aligned to the unix epoch) start on Thursdays, 2026-11-19, 11-26 and 12-03; four-week periods
    /// on 2026-11-19, 12-17 and 2027-01-14.
    /// </summary>
    private static readonly DateTimeOffset RollupOrigin = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The four-week period holding <see cref="RollupOrigin"/> starts the day before it.</summary>
    private static readonly DateTimeOffset FourWeekStart = RollupOrigin.AddDays(-1);

    /// <summary>Every grain the rollups keep.</summary>
    private static readonly int[] RollupGrains = [3600, 21600, 86400, 604800, 2419200];

    [Fact]
    public async Task Rollups_RandomisedRuns_EqualSumsComputedFromTheRuns()
    {
        var store = await OpenAsync();
        var runs = RandomRuns(seed: 1818, count: 90, spanDays: 40);
        foreach (var run in runs)
        {
            Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));
        }
        // A second save of a run changes nothing, in the rollups either.
        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(runs[0], Ct));

        await AssertRollupsMatchRunsAsync(store, runs.Count);
    }

    [Fact]
    public async Task Rollups_ConcurrentSavesFromManyLocations_EqualSumsComputedFromTheRuns()
    {
        // Four writers at once, every run of one platform × channel: they all add to the same rows across locations
        // (locked after each save's own rows, in grain order), while their own rows differ.
        var store = await OpenAsync();
        var runs = RandomRuns(seed: 1717, count: 48, spanDays: 40)
            .Select((r, i) => r with { Platform = "udp", Channel = "lossy", Location = i % 5 == 4 ? null : $"site-{i % 4}" })
            .ToList();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs.Count)
            {
                Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(runs[i], Ct));
            }
        })));

        await AssertRollupsMatchRunsAsync(store, runs.Count);
    }

    [Fact]
    public async Task RebuildRollups_AfterSaves_RecomputesTheSameRowsFromTheRuns()
    {
        var store = await OpenAsync();
        var runs = RandomRuns(seed: 1919, count: 60, spanDays: 40);
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run, Ct);
        }

        var report = await store.RebuildRollupsAsync(Ct);

        Assert.Equal(runs.Count, report.Runs);
        Assert.Equal(
            runs.Select(r => (r.Platform, r.Location, r.Channel, r.StartedAt.UtcDateTime.Date)).Distinct().Count(),
            report.DayRows);
        Assert.Equal(
            runs.Select(r => (r.Platform, r.Location, r.Channel, Week(r.StartedAt))).Distinct().Count(),
            report.WeekRows);
        Assert.Equal(
            runs.Select(r => (r.Platform, r.Location, r.Channel, r.StartedAt.UtcDateTime.Date, r.StartedAt.UtcDateTime.Hour / 6)).Distinct().Count(),
            report.SixHourRows);
        Assert.Equal(
            runs.Select(r => (r.Platform, r.Location, r.Channel, Week(r.StartedAt, 28))).Distinct().Count(),
            report.FourWeekRows);
        Assert.True(report.FourWeekRows > runs.Select(r => (r.Platform, r.Location, r.Channel)).Distinct().Count(), "runs in two four-week periods");
        Assert.Equal(
            RollupGrains.Sum(g => runs.Select(r => (r.Platform, r.Channel, Bucket(r.StartedAt, g))).Distinct().Count()),
            report.AllLocationsRows);
        await AssertRollupsMatchRunsAsync(store, runs.Count);
    }

    [Fact]
    public async Task QueryRollupGroups_RandomisedRuns_EqualTheRowsMergedInMemory()
    {
        var store = await OpenAsync();
        foreach (var run in RandomRuns(seed: 2020, count: 120, spanDays: 40))
        {
            await store.SaveRunAsync(run, Ct);
        }
        var filters = new[]
        {
            new AggregateFilter { Since = RollupOrigin.AddDays(-1), Until = RollupOrigin.AddDays(12) },
            new AggregateFilter { Since = RollupOrigin.AddHours(7), Until = RollupOrigin.AddDays(6), Platform = "udp" },
            new AggregateFilter { Since = RollupOrigin, Until = RollupOrigin.AddDays(9), Channel = "lossy", Location = "eu-west-1" },
            new AggregateFilter { Since = FourWeekStart, Until = FourWeekStart.AddDays(56) },
        };
        long?[] sizes = [null, 3_600_000_000L * 6, 86_400_000_000L, 604_800_000_000L * 2, 2_419_200_000_000L, 2_419_200_000_000L * 2];
        int compared = 0;
        foreach (var filter in filters)
        {
            foreach (int grain in RollupGrains)
            {
                foreach (long? size in sizes.Where(z => z is null || z % (grain * 1_000_000L) == 0))
                {
                    foreach (bool across in new[] { false, true })
                    {
                        var grouping = new RollupGrouping { BucketSizeUs = size, AcrossLocations = across };
                        var expected = Ado.Rollups.GroupInMemory(await store.QueryRollupsAsync(filter, grain, Ct), grain, grouping);

                        var actual = await store.QueryRollupGroupsAsync(filter, grain, grouping, Ct);

                        compared += AssertSameGroups(expected, actual);
                    }
                }
            }
        }
        Assert.True(compared > 100, $"{compared} groups compared");
    }

    [Fact]
    public async Task QueryRollupGroups_SeveralPieces_EqualTheirRowsMergedInMemory()
    {
        var store = await OpenAsync();
        foreach (var run in RandomRuns(seed: 2121, count: 120, spanDays: 40))
        {
            await store.SaveRunAsync(run, Ct);
        }
        // A window cut as a query plan cuts one: hours, six hours, days, weeks, then a four-week period.
        RollupPiece[] pieces =
        [
            new(3600, RollupOrigin.AddHours(2), RollupOrigin.AddHours(6)),
            new(21600, RollupOrigin.AddHours(6), RollupOrigin.AddDays(1)),
            new(86400, RollupOrigin.AddDays(1), RollupOrigin.AddDays(6)),
            new(604800, RollupOrigin.AddDays(6), RollupOrigin.AddDays(27)),
            new(2419200, RollupOrigin.AddDays(27), RollupOrigin.AddDays(55)),
        ];
        var rows = new List<RollupAggregate>();
        foreach (var piece in pieces)
        {
            rows.AddRange(await store.QueryRollupsAsync(new AggregateFilter { Since = piece.Since, Until = piece.Until, Channel = "lossy" }, piece.GrainSeconds, Ct));
        }
        Assert.Contains(rows, r => r.GrainSeconds == 2419200);
        int compared = 0;
        foreach (long? size in new long?[] { null, 2_419_200_000_000L })
        {
            foreach (bool across in new[] { false, true })
            {
                var grouping = new RollupGrouping { BucketSizeUs = size, AcrossLocations = across };
                var expected = Ado.Rollups.GroupInMemory(rows, 3600, grouping);

                var actual = await store.QueryRollupGroupsAsync(new AggregateFilter { Channel = "lossy" }, pieces, grouping, Ct);

                compared += AssertSameGroups(expected, actual);
            }
        }
        Assert.True(compared > 20, $"{compared} groups compared");
    }

    /// <summary>The store's grouped rollups equal the rows grouped in memory, group by group; returns how many.</summary>
    private static int AssertSameGroups(IReadOnlyList<RollupAggregate> expected, IReadOnlyList<RollupAggregate> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.Platform, e.Location, e.Channel, e.GrainSeconds, e.BucketStart), (a.Platform, a.Location, a.Channel, a.GrainSeconds, a.BucketStart));
            Assert.Equal(e.Locations, a.Locations);
            Assert.Equal(
                (e.Sums.Runs, e.Sums.Sent, e.Sums.Ok, e.Sums.Lost, e.Sums.Late, e.Sums.MeanCount, e.Sums.Pairs, e.Sums.Undecodable),
                (a.Sums.Runs, a.Sums.Sent, a.Sums.Ok, a.Sums.Lost, a.Sums.Late, a.Sums.MeanCount, a.Sums.Pairs, a.Sums.Undecodable));
            // The database may add the doubles in another order.
            Assert.Equal(e.Sums.MeanSum, a.Sums.MeanSum, Math.Abs(e.Sums.MeanSum) * 1e-12);
            Assert.Equal(e.Sums.JitterSum, a.Sums.JitterSum, Math.Abs(e.Sums.JitterSum) * 1e-12);
            Assert.Equal(e.Sums.SerializeHistogram(), a.Sums.SerializeHistogram());
        }

        return expected.Count;
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

    private static long Bucket(DateTimeOffset time, int grainSeconds) => (time - DateTimeOffset.UnixEpoch).Ticks / 10 / (grainSeconds * 1_000_000L);

    private static DateTimeOffset Week(DateTimeOffset time, int days = 7) =>
        DateTimeOffset.UnixEpoch.AddDays(Math.Floor((time - DateTimeOffset.UnixEpoch).TotalDays / days) * days);

    /// <summary>
    /// Runs over <paramref name="spanDays"/> days from <see cref="RollupOrigin"/> (ten: across two week boundaries;
    /// forty: across a four-week boundary too), at random times, platforms, locations (some none) and channels, RTTs
    /// and losses.
    /// </summary>
    internal static List<RunResult> RandomRuns(int seed, int count, int spanDays = 10)
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
            var startedAt = RollupOrigin.AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(spanDays).Ticks));
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
    /// Hour, six-hour, day, week and four-week rollups over the whole span and over filtered, shorter ones (each grain
    /// where the window's ends are on its boundaries) equal the same sums built from
    /// <see cref="IResultStore.QueryRunAggregatesAsync"/>: counts and merged histograms exactly, the mean and jitter
    /// sums to the last few bits (floating-point sums in another order).
    /// </summary>
    private async Task AssertRollupsMatchRunsAsync(IResultStore store, int runCount)
    {
        AggregateFilter[] filters =
        [
            new() { Since = RollupOrigin.AddDays(-1), Until = RollupOrigin.AddDays(13) },
            new() { Platform = "udp", Since = RollupOrigin.AddDays(1), Until = RollupOrigin.AddDays(2) },
            new() { Location = "us-east-1", Channel = "lossy", Since = RollupOrigin, Until = RollupOrigin.AddDays(3) },
            new() { Platform = "janus", Since = RollupOrigin.AddDays(6), Until = RollupOrigin.AddDays(13) },
            new() { Since = FourWeekStart, Until = FourWeekStart.AddDays(56) },
            new() { Channel = "reliable", Since = FourWeekStart.AddDays(28), Until = FourWeekStart.AddDays(56) },
        ];
        int fourWeekRows = 0, allLocationsRows = 0;
        long total = 0;
        foreach (var filter in filters)
        {
            var runs = await store.QueryRunAggregatesAsync(filter, Ct);
            foreach (int grain in RollupGrains)
            {
                long since = (filter.Since!.Value - DateTimeOffset.UnixEpoch).Ticks / 10, until = (filter.Until!.Value - DateTimeOffset.UnixEpoch).Ticks / 10;
                if (since % (grain * 1_000_000L) != 0 || until % (grain * 1_000_000L) != 0)
                {
                    continue;
                }
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
                fourWeekRows += grain == 2419200 ? rollups.Count : 0;
                if (filter.Location is null)
                {
                    allLocationsRows += await AssertAllLocationsMatchRunsAsync(store, filter, runs, grain);
                }
            }
            total += runs.Count;
        }
        Assert.True(total >= runCount, "the windows hold every run");
        Assert.True(fourWeekRows > 0, "four-week rows compared");
        Assert.True(allLocationsRows > 0, "rows across locations compared");
    }

    /// <summary>
    /// The rows pre-merged across locations (migration 0009: what a query across locations without a location filter
    /// reads, one per platform × channel × bucket of <paramref name="grain"/>) equal the sums of the runs of every
    /// location built from <see cref="IResultStore.QueryRunAggregatesAsync"/>, and list those runs' locations; and
    /// they equal the rows of every location merged (<see cref="RollupGrouping.PerLocationRows"/>). Returns the rows.
    /// </summary>
    private async Task<int> AssertAllLocationsMatchRunsAsync(IResultStore store, AggregateFilter filter, IReadOnlyList<RunAggregate> runs, int grain)
    {
        long size = grain * 1_000_000L;
        var expected = new Dictionary<(string, string, DateTimeOffset), (RollupSums Sums, HashSet<string?> Locations)>();
        foreach (var run in runs)
        {
            long us = (run.StartedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
            var key = (run.Platform, run.Channel, DateTimeOffset.UnixEpoch.AddTicks((us - us % size) * 10));
            if (!expected.TryGetValue(key, out var group))
            {
                expected[key] = group = (new RollupSums(), []);
            }
            group.Sums.AddRun(run.Sent, run.Ok, run.Lost, run.Late, run.RttMeanUs, run.MeanAbsDeltaRttUs, run.Histogram);
            group.Locations.Add(run.Location);
        }
        var grouping = new RollupGrouping { BucketSizeUs = size, AcrossLocations = true };
        var rows = await store.QueryRollupGroupsAsync(filter, grain, grouping, Ct);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.Null(row.Location);
            var (want, locations) = expected[(row.Platform, row.Channel, row.BucketStart)];
            var got = row.Sums;
            Assert.Equal(
                (want.Runs, want.Sent, want.Ok, want.Lost, want.Late, want.MeanCount, want.Pairs, want.Undecodable),
                (got.Runs, got.Sent, got.Ok, got.Lost, got.Late, got.MeanCount, got.Pairs, got.Undecodable));
            Assert.Equal(want.SerializeHistogram(), got.SerializeHistogram());
            Assert.Equal(want.MeanSum, got.MeanSum, Math.Abs(want.MeanSum) * 1e-12);
            Assert.Equal(want.JitterSum, got.JitterSum, Math.Abs(want.JitterSum) * 1e-12);
            Assert.Equal(locations.OrderBy(l => l is null ? 1 : 0).ThenBy(l => l, StringComparer.Ordinal), row.Locations);
        }
        AssertSameGroups(await store.QueryRollupGroupsAsync(filter, grain, grouping with { PerLocationRows = true }, Ct), rows);
        return rows.Count;
    }
}

using RtcBench.Core.Results;
using RtcBench.Server.Aggregation;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage;
using RtcBench.Storage.Queries;
using RtcBench.Storage.Sqlite;
using RtcBench.Storage.Tests;

namespace RtcBench.Server.Tests;

/// <summary>
/// Merged-histogram queries read whole days and hours from the rollups and only the partial hours at the window's
/// edges from the runs (issue 18); the figures equal those computed from the runs alone.
/// </summary>
public sealed class RollupQueryTests
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>
    /// The window runs from 10:17 on the first day to 09:05 on the last: runs up to the first whole hour and from the
    /// last one, hourly rollups up to the first whole day and from the last one, and so on up to the coarsest grain
    /// that fits. Origin is a Friday; epoch-aligned weeks start on Thursdays (2026-11-26, 12-03, 12-10), four-week
    /// periods on 2026-11-19, 12-17 and 2027-01-14; six hours at 00, 06, 12 and 18 UTC.
    /// </summary>
    public static TheoryData<int, string, DateTimeOffset[]> WindowsOverDays => new()
    {
        {
            3, "Runs Hours SixHours Days SixHours Hours Runs",
            [Origin.AddHours(11), Origin.AddHours(12), Origin.AddDays(1), Origin.AddDays(3), Origin.AddDays(3).AddHours(6), Origin.AddDays(3).AddHours(9)]
        },
        {
            21, "Runs Hours SixHours Days Weeks Days SixHours Hours Runs",
            [
                Origin.AddHours(11), Origin.AddHours(12), Origin.AddDays(1), Origin.AddDays(6), Origin.AddDays(20), Origin.AddDays(21),
                Origin.AddDays(21).AddHours(6), Origin.AddDays(21).AddHours(9),
            ]
        },
        {
            70, "Runs Hours SixHours Days Weeks FourWeeks Weeks Days SixHours Hours Runs",
            [
                Origin.AddHours(11), Origin.AddHours(12), Origin.AddDays(1), Origin.AddDays(6), Origin.AddDays(27), Origin.AddDays(55),
                Origin.AddDays(69), Origin.AddDays(70), Origin.AddDays(70).AddHours(6), Origin.AddDays(70).AddHours(9),
            ]
        },
    };

    [Theory]
    [MemberData(nameof(WindowsOverDays))]
    public void Plan_WindowOverDays_CoarsestRollupsInTheMiddleFinerOnesAroundThemRunsAtTheEdges(int days, string expectedKinds, DateTimeOffset[] innerEdges)
    {
        var since = Origin.AddHours(10).AddMinutes(17);
        var until = Origin.AddDays(days).AddHours(9).AddMinutes(5);
        DateTimeOffset[] edges = [since, .. innerEdges, until];

        var pieces = SourcePlan.Plan(since, until, bucket: null);

        Assert.Equal(
            expectedKinds.Split(' ').Select((kind, i) => (Enum.Parse<SourceKind>(kind), edges[i], edges[i + 1])),
            pieces.Select(p => (p.Kind, Buckets.FromUs(p.FromUs), Buckets.FromUs(p.ToUs))));
    }

    [Fact]
    public void Plan_WindowOverWeeks_DescribedAsWeeksFromThursday_AndTheDayBasedPlanReadsDays()
    {
        var since = Origin.AddHours(10).AddMinutes(17);
        var until = Origin.AddDays(21).AddHours(9).AddMinutes(5);

        Assert.Contains("weekly rollups for 2 whole weeks (from Thursday 00:00 UTC), daily rollups for 6 whole UTC days",
            SourcePlan.Describe(SourcePlan.Plan(since, until, bucket: null)), StringComparison.Ordinal);
        // A plan limited to hours and days reads the same window from days; the bench's baseline plan (hours, days,
        // weeks: before six-hour and four-week rollups) from weeks, days and hours.
        Assert.Equal(
            "Runs Hours Days Hours Runs",
            string.Join(' ', SourcePlan.Plan(since, until, bucket: null, grainSeconds: [3600, 86400]).Select(p => p.Kind)));
        Assert.Equal(
            "Runs Hours Days Weeks Days Hours Runs",
            string.Join(' ', SourcePlan.Plan(since, until, bucket: null, grainSeconds: SourcePlan.HourDayWeekSeconds).Select(p => p.Kind)));
    }

    [Theory]
    [InlineData(900, "Runs")]                          // 15 min: no rollup fits in a bucket
    [InlineData(3600, "Runs Hours Runs")]              // hours only
    [InlineData(7200, "Runs Hours Runs")]
    [InlineData(21600, "Runs Hours SixHours Hours Runs")]
    [InlineData(86400, "Runs Hours SixHours Days SixHours Hours Runs")]
    [InlineData(3 * 86400, "Runs Hours SixHours Days SixHours Hours Runs")]
    [InlineData(604800, "Runs Hours SixHours Days Weeks Days SixHours Hours Runs")]
    [InlineData(14 * 86400, "Runs Hours SixHours Days Weeks Days SixHours Hours Runs")]
    public void Plan_BucketSize_UsesOnlyRollupsThatFitInOneBucket(int bucketSeconds, string expectedKinds)
    {
        var kinds = expectedKinds.Split(' ').Select(Enum.Parse<SourceKind>).ToArray();
        var since = Origin.AddHours(10).AddMinutes(17);
        var until = Origin.AddDays(15).AddHours(9).AddMinutes(5);

        var pieces = SourcePlan.Plan(since, until, TimeSpan.FromSeconds(bucketSeconds));

        Assert.Equal(kinds, pieces.Select(p => p.Kind));
        Assert.Equal(Buckets.ToUs(since), pieces[0].FromUs);
        Assert.Equal(Buckets.ToUs(until), pieces[^1].ToUs);
        for (int i = 1; i < pieces.Count; i++)
        {
            Assert.Equal(pieces[i - 1].ToUs, pieces[i].FromUs);
        }
    }

    [Fact]
    public void Plan_WindowWithinOneHour_RunsOnly()
    {
        var pieces = SourcePlan.Plan(Origin.AddMinutes(5), Origin.AddMinutes(55), null);

        Assert.Equal(SourceKind.Runs, Assert.Single(pieces).Kind);
        Assert.Contains("the runs of the whole window", SourcePlan.Describe(pieces), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregate_RandomisedRunsAndWindows_RollupsGiveTheFiguresOfTheRuns()
    {
        using var directory = new TempDirectory();
        await using var store = new SqliteResultStore(directory.File("results.db"));
        var random = new Random(2026);
        foreach (var run in RandomRuns(random, 300))
        {
            await store.SaveRunAsync(run, Ct);
        }
        TimeSpan?[] sizes = [null, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(7)];
        int weekly = 0, fourWeekly = 0;
        for (int i = 0; i < 24; i++)
        {
            // The last six windows start before the four-week period from 2026-11-19 and run past its end.
            var since = i < 18 ? Origin.AddMinutes(random.Next(-120, 3 * 24 * 60)) : Origin.AddMinutes(-random.Next(24 * 60, 5 * 24 * 60));
            var until = since.AddMinutes(i < 18 ? random.Next(30, 17 * 24 * 60) : random.Next(29 * 24 * 60, 45 * 24 * 60)).AddTicks(random.Next(0, 10_000_000));
            var size = i < 18 ? sizes[i % sizes.Length] : i % 2 == 0 ? null : TimeSpan.FromDays(28);
            bool across = i % 3 == 0;
            var filter = new AggregateFilter { Since = since, Until = until, Channel = i % 4 == 1 ? "lossy" : null };
            var buckets = new Buckets(since, until, size);

            var expected = Aggregator.FromHistograms(await store.QueryRunAggregatesAsync(filter, Ct), buckets, across);
            var grouping = new RollupGrouping { BucketSizeUs = size is { } s ? s.Ticks / 10 : null, AcrossLocations = across };
            var (runs, rollups, used) = await SourcePlan.ReadAsync(store, filter, SourcePlan.Plan(since, until, size), grouping, Ct);
            weekly += used.Count(p => p.Kind == SourceKind.Weeks);
            fourWeekly += used.Count(p => p.Kind == SourceKind.FourWeeks);
            var actual = Aggregator.FromHistograms(runs, rollups, buckets, across);

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (int g = 0; g < expected.Count; g++)
            {
                var (e, a) = (expected[g], actual[g]);
                Assert.Equal(e.Key, a.Key);
                Assert.Equal((e.Runs, e.Sent, e.Lost, e.Late, e.Count), (a.Runs, a.Sent, a.Lost, a.Late, a.Count));
                Assert.Equal((e.P50Us, e.P90Us, e.P95Us, e.P99Us), (a.P50Us, a.P90Us, a.P95Us, a.P99Us));
                AssertClose(e.MeanUs, a.MeanUs);
                AssertClose(e.JitterUs, a.JitterUs);
                Assert.Equal(e.Locations, a.Locations);
            }
        }
        Assert.True(weekly > 0, "some windows are served by weekly rollups");
        Assert.True(fourWeekly > 0, "some windows are served by four-week rollups");
    }

    [Fact]
    public async Task Distribution_RandomisedRunsAndWindows_RollupsGiveTheHistogramsOfTheRuns()
    {
        using var directory = new TempDirectory();
        await using var store = new SqliteResultStore(directory.File("results.db"));
        var random = new Random(2027);
        foreach (var run in RandomRuns(random, 300))
        {
            await store.SaveRunAsync(run, Ct);
        }
        int fromRollups = 0;
        for (int i = 0; i < 12; i++)
        {
            var since = Origin.AddMinutes(random.Next(-120, 3 * 24 * 60));
            var until = since.AddMinutes(random.Next(30, 17 * 24 * 60)).AddTicks(random.Next(0, 10_000_000));
            bool across = i % 3 == 0;
            var filter = new AggregateFilter { Since = since, Until = until, Platform = i % 4 == 1 ? "udp" : null };

            var expected = Distributions.Merge(await store.QueryRunAggregatesAsync(filter, Ct), across);
            var (runs, rollups, used) = await SourcePlan.ReadAsync(
                store, filter, SourcePlan.Plan(since, until, null), new RollupGrouping { AcrossLocations = across }, Ct);
            fromRollups += rollups.Count;
            var actual = Distributions.Merge(runs, rollups, across);

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (int g = 0; g < expected.Count; g++)
            {
                var (e, a) = (expected[g], actual[g]);
                Assert.Equal((e.Platform, e.Location, e.Channel, e.Runs, e.Count, e.MinUs, e.MaxUs), (a.Platform, a.Location, a.Channel, a.Runs, a.Count, a.MinUs, a.MaxUs));
                Assert.Equal(e.Locations, a.Locations);
                Assert.Equal(e.Buckets, a.Buckets);
            }
        }
        Assert.True(fromRollups > 0, "some windows are served by rollups");
    }

    [Fact]
    public async Task Distribution_MethodNote_SaysWhichTablesAnswered()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(AggregationTests.ThreeRuns(RunFactory.BaseTime));

        var distribution = await harness.GetJsonAsync("/api/results/distribution?hours=24");

        string note = distribution.GetProperty("method_note").GetString()!;
        Assert.StartsWith("Merged RTT histograms", note, StringComparison.Ordinal);
        // "Now" is 16:00 UTC: hours 16-18 and 12-16, six hours 18-24 and 00-12.
        Assert.Contains("six-hour rollups for 3 whole six-hour periods (from 00, 06, 12, 18 UTC), hourly rollups for 6 whole hours", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregated_MethodNote_SaysWhichTablesAnswered()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(AggregationTests.ThreeRuns(RunFactory.BaseTime));

        // "Now" is on the hour (16:00 UTC): 24 whole hours, no whole UTC day.
        var whole = await harness.GetJsonAsync("/api/results/aggregated?hours=24");
        var quarters = await harness.GetJsonAsync("/api/results/timeseries?metric=p95&hours=24&bucket=15m");
        var pooled = await harness.GetJsonAsync("/api/results/aggregated?hours=24&method=pooled-pings");

        Assert.Contains(
            "six-hour rollups for 3 whole six-hour periods (from 00, 06, 12, 18 UTC), hourly rollups for 6 whole hours",
            whole.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        Assert.Contains("the runs of the whole window", quarters.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        Assert.Contains("the ok pings of the runs", pooled.GetProperty("method_note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcrossLocations_MethodNote_SaysTheRowsPreMergedAcrossLocationsAnsweredUnlessALocationIsFiltered()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(AggregationTests.ThreeRuns(RunFactory.BaseTime));
        string location = (await harness.GetJsonAsync("/api/results/aggregated?hours=24")).GetProperty("groups")[0].GetProperty("location").GetString()!;

        var across = await harness.GetJsonAsync("/api/results/timeseries?metric=p95&hours=24&bucket=1d&across_locations=true");
        var oneLocation = await harness.GetJsonAsync($"/api/results/aggregated?hours=24&across_locations=true&location={location}");
        var perLocation = await harness.GetJsonAsync("/api/results/aggregated?hours=24");

        const string preMerged = "the rollups read are the rows pre-merged across locations";
        Assert.Contains(preMerged, across.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(preMerged, oneLocation.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(preMerged, perLocation.GetProperty("method_note").GetString(), StringComparison.Ordinal);
    }

    private static void AssertClose(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, Math.Abs(e) * 1e-12);
        }
    }

    private static IEnumerable<RunResult> RandomRuns(Random random, int count)
    {
        string[] platforms = ["udp", "janus"];
        string?[] locations = ["eu-west-1", "us-east-1", null];
        string[] channels = ["lossy", "reliable"];
        for (int i = 0; i < count; i++)
        {
            var rtts = new double[random.Next(0, 25)];
            for (int p = 0; p < rtts.Length; p++)
            {
                rtts[p] = 5 + random.NextDouble() * 200;
            }
            yield return RunFactory.Create(
                rtts,
                lost: random.Next(0, 3),
                startedAt: Origin.AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(20).Ticks)),
                platform: platforms[random.Next(platforms.Length)],
                location: locations[random.Next(locations.Length)],
                channel: channels[random.Next(channels.Length)]);
        }
    }
}

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
    /// that fits. Origin is a Friday; epoch-aligned weeks start on Thursdays (2026-11-26, 12-03, 12-10).
    /// </summary>
    public static TheoryData<int, string, DateTimeOffset[]> WindowsOverDays => new()
    {
        { 3, "Runs Hours Days Hours Runs", [Origin.AddHours(11), Origin.AddDays(1), Origin.AddDays(3), Origin.AddDays(3).AddHours(9)] },
        {
            21, "Runs Hours Days Weeks Days Hours Runs",
            [Origin.AddHours(11), Origin.AddDays(1), Origin.AddDays(6), Origin.AddDays(20), Origin.AddDays(21), Origin.AddDays(21).AddHours(9)]
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
        // The day-based plan (the bench's baseline) reads the same window from days.
        Assert.Equal(
            "Runs Hours Days Hours Runs",
            string.Join(' ', SourcePlan.Plan(since, until, bucket: null, coarsestSeconds: 86400).Select(p => p.Kind)));
    }

    [Theory]
    [InlineData(900, "Runs")]                          // 15 min: no rollup fits in a bucket
    [InlineData(3600, "Runs Hours Runs")]              // hours only
    [InlineData(7200, "Runs Hours Runs")]
    [InlineData(86400, "Runs Hours Days Hours Runs")]
    [InlineData(3 * 86400, "Runs Hours Days Hours Runs")]
    [InlineData(604800, "Runs Hours Days Weeks Days Hours Runs")]
    [InlineData(14 * 86400, "Runs Hours Days Weeks Days Hours Runs")]
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
        int weekly = 0;
        for (int i = 0; i < 18; i++)
        {
            var since = Origin.AddMinutes(random.Next(-120, 3 * 24 * 60));
            var until = since.AddMinutes(random.Next(30, 17 * 24 * 60)).AddTicks(random.Next(0, 10_000_000));
            var size = sizes[i % sizes.Length];
            bool across = i % 3 == 0;
            var filter = new AggregateFilter { Since = since, Until = until, Channel = i % 4 == 1 ? "lossy" : null };
            var buckets = new Buckets(since, until, size);

            var expected = Aggregator.FromHistograms(await store.QueryRunAggregatesAsync(filter, Ct), buckets, across);
            var (runs, rollups, used) = await SourcePlan.ReadAsync(store, filter, SourcePlan.Plan(since, until, size), Ct);
            weekly += used.Count(p => p.Kind == SourceKind.Weeks);
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
    }

    [Fact]
    public async Task Aggregated_MethodNote_SaysWhichTablesAnswered()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(AggregationTests.ThreeRuns(RunFactory.BaseTime));

        // "Now" is on the hour: 24 whole hours, 4 of them inside today (UTC).
        var whole = await harness.GetJsonAsync("/api/results/aggregated?hours=24");
        var quarters = await harness.GetJsonAsync("/api/results/timeseries?metric=p95&hours=24&bucket=15m");
        var pooled = await harness.GetJsonAsync("/api/results/aggregated?hours=24&method=pooled-pings");

        Assert.Contains("hourly rollups for 24 whole hours", whole.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        Assert.Contains("the runs of the whole window", quarters.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        Assert.Contains("the ok pings of the runs", pooled.GetProperty("method_note").GetString(), StringComparison.Ordinal);
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

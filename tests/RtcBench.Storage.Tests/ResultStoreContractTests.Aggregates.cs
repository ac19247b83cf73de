using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>The aggregate-query part of the store contract: per-run aggregates, ok pings, locations, latest runs.</summary>
public abstract partial class ResultStoreContractTests
{
    /// <summary>The ok pings TestRuns.Create(pingCount: 10) makes: seqs 4, 6 and 7 (3 is lost, 5 late, 0–2 warm-up).</summary>
    private static readonly long[] OkSeqsOfTenPingRun = [4, 6, 7];

    [Fact]
    public async Task CheckAsync_ReachableStore_Succeeds()
    {
        var store = await OpenAsync(initialize: false);

        await store.CheckAsync(Ct);
    }

    [Fact]
    public async Task QueryRunAggregates_NoFilter_EveryRunOldestFirstWithCountsAndHistogram()
    {
        var (store, runs) = await SeedAsync();

        var rows = await store.QueryRunAggregatesAsync(new AggregateFilter(), Ct);

        Assert.Equal(Ids(runs), rows.Select(r => r.RunId).ToArray());
        var first = rows[0];
        var run = runs[0];
        Assert.Equal(run.Platform, first.Platform);
        Assert.Equal(run.Location, first.Location);
        Assert.Equal(run.Channel, first.Channel);
        Assert.Equal(run.StartedAt, first.StartedAt);
        Assert.Equal((run.Stats.Sent, run.Stats.Ok, run.Stats.Lost, run.Stats.Late), (first.Sent, first.Ok, first.Lost, first.Late));
        Assert.Equal(run.Stats.Rtt!.MeanUs, first.RttMeanUs);
        Assert.Equal(run.Stats.MeanAbsDeltaRttUs, first.MeanAbsDeltaRttUs);
        Assert.Equal(run.Histogram.Encoding, first.HistogramEncoding);
        Assert.Equal(Convert.FromBase64String(run.Histogram.Data), first.Histogram);
        var failed = rows[^1];
        Assert.Null(failed.Location);
        Assert.Null(failed.RttMeanUs);
        Assert.Null(failed.MeanAbsDeltaRttUs);
        Assert.Empty(failed.Histogram);
    }

    [Fact]
    public async Task QueryRunAggregates_Filters_MatchExactlyWithSinceInclusiveUntilExclusive()
    {
        var (store, runs) = await SeedAsync();
        var t = TestRuns.BaseTime;

        var udp = await store.QueryRunAggregatesAsync(new AggregateFilter { Platform = "udp" }, Ct);
        var euReliable = await store.QueryRunAggregatesAsync(
            new AggregateFilter { Location = "eu-west-1", Channel = "reliable" }, Ct);
        var window = await store.QueryRunAggregatesAsync(
            new AggregateFilter { Since = t.AddHours(1), Until = t.AddHours(3) }, Ct);
        var none = await store.QueryRunAggregatesAsync(new AggregateFilter { Platform = "daily" }, Ct);

        Assert.Equal(Ids([runs[0], runs[2], runs[4], runs[5]]), udp.Select(r => r.RunId).ToArray());
        Assert.Equal(Ids([runs[1], runs[3], runs[4]]), euReliable.Select(r => r.RunId).ToArray());
        Assert.Equal(Ids([runs[1], runs[2]]), window.Select(r => r.RunId).ToArray());
        Assert.Empty(none);
    }

    [Fact]
    public async Task QueryOkPings_FilteredRuns_OkPingsInSeqOrderWithScheduledTimes()
    {
        var (store, runs) = await SeedAsync();

        var result = await store.QueryOkPingsAsync(new AggregateFilter { Platform = "udp", Location = "eu-west-1" }, Ct);

        Assert.Equal(Ids([runs[0], runs[4]]), result.Select(r => r.RunId).ToArray());
        foreach (var (rows, run) in result.Zip([runs[0], runs[4]]))
        {
            var expected = run.Pings.Where(p => OkSeqsOfTenPingRun.Contains(p.Seq)).ToArray();
            Assert.All(expected, p => Assert.Equal("ok", p.Status));
            Assert.Equal(expected.Select(p => p.RttUs!.Value).ToArray(), rows.RttUs);
            Assert.Equal(
                expected.Select(p => (p.ScheduledAt - DateTimeOffset.UnixEpoch).Ticks / 10).ToArray(),
                rows.ScheduledAtUnixUs);
            Assert.Equal((run.Platform, run.Location, run.Channel, run.StartedAt), (rows.Platform, rows.Location, rows.Channel, rows.StartedAt));
            Assert.Equal((run.Stats.Sent, run.Stats.Lost), (rows.Sent, rows.Lost));
        }
    }

    [Fact]
    public async Task QueryOkPings_RunWithoutOkPings_IncludedWithEmptyArrays()
    {
        var (store, runs) = await SeedAsync();

        var result = await store.QueryOkPingsAsync(new AggregateFilter { Since = runs[5].StartedAt }, Ct);

        var only = Assert.Single(result);
        Assert.Equal(runs[5].RunId, only.RunId);
        Assert.Empty(only.RttUs);
        Assert.Empty(only.ScheduledAtUnixUs);
    }

    [Fact]
    public async Task ListLocations_SeededRuns_OnePerLocationAndPlatformWithCountsAndSpan()
    {
        var (store, runs) = await SeedAsync();

        var rows = await store.ListLocationsAsync(Ct);

        Assert.Equal(
            [("eu-west-1", "janus", 1L), ("eu-west-1", "livekit", 1L), ("eu-west-1", "udp", 2L), ("us-east-1", "udp", 1L), (null, "udp", 1L)],
            rows.Select(r => (r.Location, r.Platform, r.Runs)).ToArray());
        var euUdp = rows[2];
        Assert.Equal(runs[0].StartedAt, euUdp.FirstStartedAt);
        Assert.Equal(runs[4].StartedAt, euUdp.LastStartedAt);
    }

    [Fact]
    public async Task GetLatestRuns_SeededRuns_NewestPerPlatformAndLocation()
    {
        var (store, runs) = await SeedAsync();
        var newerEuUdp = TestRuns.Create(pingCount: 10, startedAt: TestRuns.BaseTime.AddHours(10), channel: "lossy");
        await store.SaveRunAsync(newerEuUdp, Ct);

        var all = await store.GetLatestRunsAsync(channel: null, Ct);
        var reliable = await store.GetLatestRunsAsync(channel: "reliable", Ct);

        Assert.Equal(
            Ids([runs[1], runs[3], newerEuUdp, runs[2], runs[5]]),
            all.Select(r => r.RunId).ToArray());
        Assert.Equal(Ids([runs[1], runs[3], runs[4]]), reliable.Select(r => r.RunId).ToArray());
        Assert.Equal(RunOutcome.PartialStatus, all[3].OutcomeStatus);
    }
}

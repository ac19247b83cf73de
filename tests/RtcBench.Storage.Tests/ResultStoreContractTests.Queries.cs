using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

/// <summary>The listing part of the store contract: order, filters, paging, totals.</summary>
public abstract partial class ResultStoreContractTests
{
    /// <summary>Six runs an hour apart (oldest first) across platforms, locations, channels and outcomes.</summary>
    private async Task<(IResultStore Store, RunResult[] Runs)> SeedAsync()
    {
        var store = await OpenAsync();
        var t = TestRuns.BaseTime;
        RunResult[] runs =
        [
            TestRuns.Create(pingCount: 10, startedAt: t, platform: "udp", location: "eu-west-1", channel: "lossy"),
            TestRuns.Create(pingCount: 10, startedAt: t.AddHours(1), platform: "janus", location: "eu-west-1", channel: "reliable"),
            TestRuns.Create(pingCount: 10, startedAt: t.AddHours(2), platform: "udp", location: "us-east-1", channel: "lossy", outcome: RunOutcome.PartialStatus),
            TestRuns.Create(pingCount: 10, startedAt: t.AddHours(3), platform: "livekit", location: "eu-west-1", channel: "reliable"),
            TestRuns.Create(pingCount: 10, startedAt: t.AddHours(4), platform: "udp", location: "eu-west-1", channel: "reliable"),
            TestRuns.CreateFailed(startedAt: t.AddHours(5)),
        ];
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run, Ct);
        }
        return (store, runs);
    }

    private static string[] Ids(RunPage page) => page.Items.Select(i => i.RunId).ToArray();

    private static string[] Ids(IEnumerable<RunResult> runs) => runs.Select(r => r.RunId).ToArray();

    [Fact]
    public async Task ListRuns_EmptyStore_ReturnsNothing()
    {
        var store = await OpenAsync();

        var page = await store.ListRunsAsync(new RunQuery(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task ListRuns_NoFilter_NewestFirstWithTotal()
    {
        var (store, runs) = await SeedAsync();

        var page = await store.ListRunsAsync(new RunQuery(), Ct);

        Assert.Equal(Ids(runs.Reverse()), Ids(page));
        Assert.Equal(6, page.Total);
    }

    [Fact]
    public async Task ListRuns_Summary_CarriesHeadlineFields()
    {
        var (store, runs) = await SeedAsync();
        var run = runs[2];

        var summary = Assert.Single((await store.ListRunsAsync(new RunQuery { Outcome = "partial" }, Ct)).Items);

        Assert.Equal(
            new RunSummary
            {
                RunId = run.RunId,
                Platform = run.Platform,
                Channel = run.Channel,
                TransportMode = run.TransportMode,
                Location = run.Location,
                StartedAt = run.StartedAt,
                EndedAt = run.EndedAt,
                OutcomeStatus = "partial",
                Sent = run.Stats.Sent,
                Ok = run.Stats.Ok,
                Lost = run.Stats.Lost,
                Late = run.Stats.Late,
                LossRate = run.Stats.LossRate,
                RttP50Us = run.Stats.Rtt!.P50Us,
                RttP95Us = run.Stats.Rtt.P95Us,
                RttP99Us = run.Stats.Rtt.P99Us,
            },
            summary);
    }

    [Fact]
    public async Task ListRuns_FailedRunWithoutLatency_HasNullPercentiles()
    {
        var (store, runs) = await SeedAsync();

        var summary = Assert.Single((await store.ListRunsAsync(new RunQuery { Outcome = "failed" }, Ct)).Items);

        Assert.Equal(runs[5].RunId, summary.RunId);
        Assert.Null(summary.RttP50Us);
        Assert.Null(summary.RttP95Us);
        Assert.Null(summary.RttP99Us);
        Assert.Null(summary.Location);
    }

    [Fact]
    public async Task ListRuns_PlatformAndLocation_MatchesBoth()
    {
        var (store, runs) = await SeedAsync();

        var page = await store.ListRunsAsync(new RunQuery { Platform = "udp", Location = "eu-west-1" }, Ct);

        Assert.Equal(Ids([runs[4], runs[0]]), Ids(page));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task ListRuns_Channel_MatchesChannel()
    {
        var (store, runs) = await SeedAsync();

        var page = await store.ListRunsAsync(new RunQuery { Channel = "reliable" }, Ct);

        Assert.Equal(Ids([runs[4], runs[3], runs[1]]), Ids(page));
    }

    [Fact]
    public async Task ListRuns_Outcome_MatchesOutcome()
    {
        var (store, runs) = await SeedAsync();

        var page = await store.ListRunsAsync(new RunQuery { Outcome = RunOutcome.OkStatus }, Ct);

        Assert.Equal(Ids([runs[4], runs[3], runs[1], runs[0]]), Ids(page));
        Assert.Equal(4, page.Total);
    }

    [Fact]
    public async Task ListRuns_SinceUntil_SinceInclusiveUntilExclusive()
    {
        var (store, runs) = await SeedAsync();
        var t = TestRuns.BaseTime;

        var page = await store.ListRunsAsync(new RunQuery { Since = t.AddHours(1), Until = t.AddHours(4) }, Ct);

        Assert.Equal(Ids([runs[3], runs[2], runs[1]]), Ids(page));
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task ListRuns_OutcomeWithRangeAndPlatform_MatchesAllWithTheirTotalAcrossPages()
    {
        var (store, runs) = await SeedAsync();
        var t = TestRuns.BaseTime;
        var query = new RunQuery { Outcome = RunOutcome.OkStatus, Platform = "udp", Since = t, Until = t.AddHours(5), Limit = 1 };

        var first = await store.ListRunsAsync(query, Ct);
        var second = await store.ListRunsAsync(query with { Offset = 1 }, Ct);
        var partialInRange = await store.ListRunsAsync(new RunQuery { Outcome = RunOutcome.PartialStatus, Since = t.AddHours(2), Until = t.AddHours(3) }, Ct);
        var partialAfter = await store.ListRunsAsync(new RunQuery { Outcome = RunOutcome.PartialStatus, Since = t.AddHours(2).AddTicks(10) }, Ct);

        // udp runs 0, 2 and 4 start in [t, t + 5 h); run 2 is partial.
        Assert.Equal(Ids([runs[4], runs[0]]), Ids(first).Concat(Ids(second)).ToArray());
        Assert.Equal(2, first.Total);
        Assert.Equal(2, second.Total);
        Assert.Equal(Ids([runs[2]]), Ids(partialInRange));
        Assert.Empty(partialAfter.Items);   // since is inclusive, compared at microsecond resolution
    }

    [Fact]
    public async Task ListRuns_EmptyRange_ReturnsNothing()
    {
        var (store, _) = await SeedAsync();
        var at = TestRuns.BaseTime.AddHours(2);

        var page = await store.ListRunsAsync(new RunQuery { Since = at, Until = at }, Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task ListRuns_SinceWithNonUtcOffset_ComparesInstants()
    {
        var (store, runs) = await SeedAsync();
        var sinceInTokyo = TestRuns.BaseTime.AddHours(4).ToOffset(TimeSpan.FromHours(9));

        var page = await store.ListRunsAsync(new RunQuery { Since = sinceInTokyo }, Ct);

        Assert.Equal(Ids([runs[5], runs[4]]), Ids(page));
    }

    [Fact]
    public async Task ListRuns_Paging_PagesCoverEveryRunOnceWithFullTotal()
    {
        var (store, runs) = await SeedAsync();

        var pages = new List<RunPage>();
        for (int offset = 0; offset < 8; offset += 4)
        {
            pages.Add(await store.ListRunsAsync(new RunQuery { Limit = 4, Offset = offset }, Ct));
        }

        Assert.Equal(4, pages[0].Items.Count);
        Assert.Equal(2, pages[1].Items.Count);
        Assert.All(pages, p => Assert.Equal(6, p.Total));
        Assert.Equal(Ids(runs.Reverse()), pages.SelectMany(Ids).ToArray());
    }

    [Fact]
    public async Task ListRuns_OffsetPastEnd_ReturnsNoItemsButTotal()
    {
        var (store, _) = await SeedAsync();

        var page = await store.ListRunsAsync(new RunQuery { Offset = 100 }, Ct);

        Assert.Empty(page.Items);
        Assert.Equal(6, page.Total);
    }

    [Fact]
    public async Task ListRuns_SameStartTime_OrderedByRunIdDescending()
    {
        var store = await OpenAsync();
        var runs = Enumerable.Range(0, 3).Select(_ => TestRuns.Create(pingCount: 1)).ToArray();
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run, Ct);
        }

        var page = await store.ListRunsAsync(new RunQuery(), Ct);

        Assert.Equal(runs.Select(r => r.RunId).OrderDescending(StringComparer.Ordinal), Ids(page));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1001, 0)]
    [InlineData(-1, 0)]
    [InlineData(50, -1)]
    public async Task ListRuns_LimitOrOffsetOutOfRange_ThrowsArgumentOutOfRange(int limit, int offset)
    {
        var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.ListRunsAsync(new RunQuery { Limit = limit, Offset = offset }, Ct));
    }

    [Fact]
    public async Task ListRuns_MaxLimit_Accepted()
    {
        var (store, _) = await SeedAsync();

        var page = await store.ListRunsAsync(new RunQuery { Limit = RunQuery.MaxLimit }, Ct);

        Assert.Equal(6, page.Items.Count);
    }
}

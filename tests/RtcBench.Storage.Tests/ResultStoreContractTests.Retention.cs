using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Tests;

/// <summary>Ping retention (issue 18): raw pings of old runs go; their statistics, histograms and rollups stay.</summary>
public abstract partial class ResultStoreContractTests
{
    [Fact]
    public async Task PrunePings_OldRuns_DeletesTheirPingsOnlyAndKeepsStatisticsHistogramsAndRollups()
    {
        var store = await OpenAsync();
        var runs = RandomRuns(seed: 3030, count: 30);
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run, Ct);
        }
        var cutoff = RollupOrigin.AddDays(1).AddHours(7).AddMinutes(13);
        var prunedAt = RollupOrigin.AddDays(40);
        var everything = new AggregateFilter { Since = RollupOrigin.AddDays(-1), Until = RollupOrigin.AddDays(11) };
        var aggregatesBefore = await store.QueryRunAggregatesAsync(everything, Ct);
        var hoursBefore = await store.QueryRollupsAsync(everything, 3600, Ct);
        var daysBefore = await store.QueryRollupsAsync(everything, 86400, Ct);
        var acrossHours = new RollupGrouping { BucketSizeUs = 3_600_000_000L, AcrossLocations = true };
        var allLocationsBefore = await store.QueryRollupGroupsAsync(everything, 3600, acrossHours, Ct);
        var old = runs.Where(r => r.StartedAt < cutoff).ToList();
        Assert.NotEmpty(old);
        Assert.NotEqual(runs.Count, old.Count);

        var report = await store.PrunePingsAsync(cutoff, prunedAt, Ct);
        var again = await store.PrunePingsAsync(cutoff, prunedAt.AddDays(1), Ct);

        Assert.Equal(old.Count, report.Runs);
        Assert.Equal(old.Sum(r => (long)r.Pings.Count), report.Pings);
        Assert.Equal(new PruneReport(0, 0), again);
        foreach (var run in runs)
        {
            var stored = await store.GetRunAsync(run.RunId, includePings: true, Ct);
            bool pruned = run.StartedAt < cutoff;
            // Everything but the pings reads back equal: statistics, histogram, outcome, times.
            RunAssert.Equal(run with { Pings = pruned ? [] : run.Pings }, stored);
            Assert.Equal(pruned ? prunedAt : null, await store.GetPingsPrunedAtAsync(run.RunId, Ct));
        }
        var aggregatesAfter = await store.QueryRunAggregatesAsync(everything, Ct);
        Assert.Equal(aggregatesBefore.Count, aggregatesAfter.Count);
        for (int i = 0; i < aggregatesBefore.Count; i++)
        {
            Assert.Equal(aggregatesBefore[i] with { Histogram = [] }, aggregatesAfter[i] with { Histogram = [] });
            Assert.Equal(aggregatesBefore[i].Histogram, aggregatesAfter[i].Histogram);
        }
        AssertSameRollups(hoursBefore, await store.QueryRollupsAsync(everything, 3600, Ct));
        AssertSameRollups(daysBefore, await store.QueryRollupsAsync(everything, 86400, Ct));
        var allLocationsAfter = await store.QueryRollupGroupsAsync(everything, 3600, acrossHours, Ct);
        AssertSameRollups(allLocationsBefore, allLocationsAfter);
        Assert.Equal(allLocationsBefore.Select(r => r.Locations), allLocationsAfter.Select(r => r.Locations));
        // A rebuild after pruning reads the run rows, not the pings: the same rollups again.
        await store.RebuildRollupsAsync(Ct);
        Assert.Equal(
            hoursBefore.Select(r => r.Sums.SerializeHistogram()),
            (await store.QueryRollupsAsync(everything, 3600, Ct)).Select(r => r.Sums.SerializeHistogram()));
        var listed = await store.ListRunsAsync(new RunQuery { Limit = 100 }, Ct);
        Assert.Equal(old.Select(r => r.RunId).Order(), listed.Items.Where(s => s.PingsPrunedAt == prunedAt).Select(s => s.RunId).Order());
        Assert.All(listed.Items.Where(s => s.PingsPrunedAt is null), s => Assert.True(s.StartedAt >= cutoff));
    }

    private static void AssertSameRollups(IReadOnlyList<RollupAggregate> before, IReadOnlyList<RollupAggregate> after)
    {
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            Assert.Equal((before[i].Platform, before[i].Location, before[i].Channel, before[i].BucketStart),
                (after[i].Platform, after[i].Location, after[i].Channel, after[i].BucketStart));
            Assert.Equal((before[i].Sums.Runs, before[i].Sums.Ok, before[i].Sums.MeanSum, before[i].Sums.JitterSum),
                (after[i].Sums.Runs, after[i].Sums.Ok, after[i].Sums.MeanSum, after[i].Sums.JitterSum));
            Assert.Equal(before[i].Sums.SerializeHistogram(), after[i].Sums.SerializeHistogram());
        }
    }
}

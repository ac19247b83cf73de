using RtcBench.Core.Histograms;
using RtcBench.Server.Contracts;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Aggregation;

/// <summary>
/// Merges the runs' stored histograms per platform × location × channel, or across locations per platform × channel
/// (no time buckets). Rollup rows add the same way: their histograms are their runs' histograms merged.
/// </summary>
internal static class Distributions
{
    public const string Note =
        "Merged RTT histograms: each group's histogram is the bucket-by-bucket sum of its runs' histograms (ok pings), "
        + "exact to the histogram's relative accuracy.";

    public static IReadOnlyList<DistributionGroup> Merge(IReadOnlyList<RunAggregate> runs, bool acrossLocations = false) =>
        Merge(runs, [], acrossLocations);

    public static IReadOnlyList<DistributionGroup> Merge(
        IReadOnlyList<RunAggregate> runs, IReadOnlyList<RollupAggregate> rollups, bool acrossLocations = false)
    {
        var groups = new Dictionary<(string Platform, string? Location, string Channel), RollupSums>();
        var locations = new Dictionary<(string Platform, string? Location, string Channel), HashSet<string?>>();
        RollupSums GroupOf(string platform, string? location, string channel, IReadOnlyList<string?>? merged = null)
        {
            var key = (platform, acrossLocations ? null : location, channel);
            if (!groups.TryGetValue(key, out var sums))
            {
                sums = new RollupSums();
                groups.Add(key, sums);
            }
            if (acrossLocations)
            {
                var pooled = locations.TryGetValue(key, out var found) ? found : locations[key] = [];
                if (merged is null)
                {
                    pooled.Add(location);
                }
                else
                {
                    pooled.UnionWith(merged);
                }
            }
            return sums;
        }
        foreach (var rollup in rollups)
        {
            GroupOf(rollup.Platform, rollup.Location, rollup.Channel, rollup.Locations).Add(rollup.Sums);
        }
        foreach (var run in runs)
        {
            if (run.Histogram.Length > 0 && !LogHistogram.IsValidSerialized(run.Histogram))
            {
                throw new InvalidOperationException($"Run {run.RunId} has a stored histogram that does not decode.");
            }
            GroupOf(run.Platform, run.Location, run.Channel)
                .AddRun(run.Sent, run.Ok, run.Lost, run.Late, run.RttMeanUs, run.MeanAbsDeltaRttUs, run.Histogram);
        }
        return groups
            .OrderBy(g => g.Key.Platform, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Location is null ? 1 : 0)
            .ThenBy(g => g.Key.Location, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g =>
            {
                var histogram = g.Value.Histogram;
                return new DistributionGroup
                {
                    Platform = g.Key.Platform,
                    Location = g.Key.Location,
                    Channel = g.Key.Channel,
                    Locations = acrossLocations ? Aggregator.Locations(locations[g.Key]) : null,
                    Runs = checked((int)g.Value.Runs),
                    Count = histogram.Count,
                    MinUs = histogram.Count > 0 ? histogram.Min : null,
                    MaxUs = histogram.Count > 0 ? histogram.Max : null,
                    Buckets = histogram.Buckets
                        .Select(b => new DistributionBucket { LowUs = b.LowUs, HighUs = b.HighUs, Count = b.Count })
                        .ToList(),
                };
            })
            .ToList();
    }
}

using RtcBench.Core.Histograms;
using RtcBench.Server.Contracts;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Aggregation;

/// <summary>
/// Merges the runs' stored histograms per platform × location × channel, or across locations per platform × channel
/// (no time buckets).
/// </summary>
internal static class Distributions
{
    public static IReadOnlyList<DistributionGroup> Merge(IReadOnlyList<RunAggregate> runs, bool acrossLocations = false)
    {
        var groups = new Dictionary<(string Platform, string? Location, string Channel), (LogHistogram Histogram, int Runs)>();
        var locations = new Dictionary<(string Platform, string? Location, string Channel), HashSet<string?>>();
        foreach (var run in runs)
        {
            var key = (run.Platform, acrossLocations ? null : run.Location, run.Channel);
            var group = groups.TryGetValue(key, out var found) ? found : (new LogHistogram(), 0);
            if (acrossLocations)
            {
                (locations.TryGetValue(key, out var pooled) ? pooled : locations[key] = []).Add(run.Location);
            }
            if (run.Histogram.Length > 0)
            {
                if (!LogHistogram.TryDeserialize(run.Histogram, out var histogram))
                {
                    throw new InvalidOperationException($"Run {run.RunId} has a stored histogram that does not decode.");
                }
                group.Item1.Merge(histogram!);
            }
            groups[key] = (group.Item1, group.Item2 + 1);
        }
        return groups
            .OrderBy(g => g.Key.Platform, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Location is null ? 1 : 0)
            .ThenBy(g => g.Key.Location, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g => new DistributionGroup
            {
                Platform = g.Key.Platform,
                Location = g.Key.Location,
                Channel = g.Key.Channel,
                Locations = acrossLocations ? Aggregator.Locations(locations[g.Key]) : null,
                Runs = g.Value.Runs,
                Count = g.Value.Histogram.Count,
                MinUs = g.Value.Histogram.Count > 0 ? g.Value.Histogram.Min : null,
                MaxUs = g.Value.Histogram.Count > 0 ? g.Value.Histogram.Max : null,
                Buckets = g.Value.Histogram.Buckets
                    .Select(b => new DistributionBucket { LowUs = b.LowUs, HighUs = b.HighUs, Count = b.Count })
                    .ToList(),
            })
            .ToList();
    }
}

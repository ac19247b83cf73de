using RtcBench.Core.Histograms;
using RtcBench.Core.Statistics;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Aggregation;

/// <summary>
/// Groups runs by platform × location × channel × bucket — or, across locations, by platform × channel × bucket —
/// and combines them without ever averaging percentiles: by merging their histograms (<see cref="FromHistograms"/>)
/// or by pooling their ok pings (<see cref="FromPings"/>). Groups come out ordered by platform, location (nulls
/// last), channel, bucket. Across locations a group's key has no location and its figures list the locations pooled.
/// </summary>
internal static class Aggregator
{
    /// <summary>
    /// The fewest groups whose figures are computed over the cores: below it, spreading the work costs more than it
    /// saves (a year of 800 series is 800 groups; a week of them in daily buckets, 6,400).
    /// </summary>
    private const int ParallelGroups = 2048;

    public static IReadOnlyList<GroupFigures> FromHistograms(IReadOnlyList<RunAggregate> runs, Buckets buckets, bool acrossLocations = false) =>
        FromHistograms(runs, [], buckets, acrossLocations);

    /// <summary>
    /// Runs and rollup rows together (each rollup row lies within one bucket: see <see cref="SourcePlan"/>); both
    /// add to a group the same way, so the figures equal those from the runs alone.
    /// </summary>
    /// <param name="parallel">
    /// The groups' figures (each decodes its merged histogram: the bulk of the work for thousands of groups) are
    /// computed over the cores when there are <see cref="ParallelGroups"/> or more. False only for the fleet-scale
    /// bench's baseline.
    /// </param>
    public static IReadOnlyList<GroupFigures> FromHistograms(
        IReadOnlyList<RunAggregate> runs, IReadOnlyList<RollupAggregate> rollups, Buckets buckets, bool acrossLocations = false, bool parallel = true)
    {
        var groups = new Dictionary<GroupKey, HistogramGroup>();
        HistogramGroup GroupOf(string platform, string? location, string channel, DateTimeOffset start, IReadOnlyList<string?>? pooled = null)
        {
            var key = new GroupKey(platform, acrossLocations ? null : location, channel, buckets.StartOf(start));
            if (!groups.TryGetValue(key, out var group))
            {
                group = new HistogramGroup(acrossLocations);
                groups.Add(key, group);
            }
            // Per location the key names the one location: no set.
            if (group.Locations is { } locations)
            {
                if (pooled is null)
                {
                    locations.Add(location);
                }
                else
                {
                    locations.UnionWith(pooled);
                }
            }
            return group;
        }
        foreach (var rollup in rollups)
        {
            // A group of rows merged by the store across locations lists the locations it pooled.
            GroupOf(rollup.Platform, rollup.Location, rollup.Channel, rollup.BucketStart, rollup.Locations).Sums.Add(rollup.Sums);
        }
        foreach (var run in runs)
        {
            var group = GroupOf(run.Platform, run.Location, run.Channel, run.StartedAt);
            if (run.Histogram.Length > 0 && !LogHistogram.IsValidSerialized(run.Histogram))
            {
                throw new InvalidOperationException($"Run {run.RunId} has a stored histogram that does not decode.");
            }
            group.Sums.AddRun(run.Sent, run.Ok, run.Lost, run.Late, run.RttMeanUs, run.MeanAbsDeltaRttUs, run.Histogram);
        }
        // The figures decode each group's histogram (a group of one rollup row kept its bytes until now: see
        // RollupSums.Add).
        return parallel && groups.Count >= ParallelGroups
            ? Order(groups.AsParallel().Select(g => g.Value.Figures(g.Key, acrossLocations)).ToArray())
            : Order(groups.Select(g => g.Value.Figures(g.Key, acrossLocations)));
    }

    public static IReadOnlyList<GroupFigures> FromPings(IReadOnlyList<RunPings> runs, Buckets buckets, bool acrossLocations = false)
    {
        var groups = new Dictionary<GroupKey, List<RunPings>>();
        foreach (var run in runs)
        {
            var key = new GroupKey(run.Platform, acrossLocations ? null : run.Location, run.Channel, buckets.StartOf(run.StartedAt));
            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups.Add(key, list);
            }
            list.Add(run);
        }
        return Order(groups.Select(g => PooledFigures(g.Key, g.Value, acrossLocations)));
    }

    /// <summary>The distinct locations of a group's runs, ordered as groups are (null, "no location", last).</summary>
    public static IReadOnlyList<string?> Locations(IEnumerable<string?> locations) =>
        locations.Distinct().OrderBy(l => l is null ? 1 : 0).ThenBy(l => l, StringComparer.Ordinal).ToList();

    /// <summary>Exact linear percentiles of every ok RTT of the runs, pooled.</summary>
    private static GroupFigures PooledFigures(GroupKey key, List<RunPings> runs, bool acrossLocations)
    {
        long sent = 0, lost = 0, pairs = 0;
        double sumAbsDelta = 0, sum = 0;
        int count = 0;
        foreach (var run in runs)
        {
            sent += run.Sent;
            lost += run.Lost;
            count += run.RttUs.Length;
            for (int i = 0; i < run.RttUs.Length; i++)
            {
                sum += run.RttUs[i];
                if (i > 0)
                {
                    sumAbsDelta += Math.Abs(run.RttUs[i] - run.RttUs[i - 1]);
                    pairs++;
                }
            }
        }
        var pooled = new double[count];
        int at = 0;
        foreach (var run in runs)
        {
            run.RttUs.CopyTo(pooled, at);
            at += run.RttUs.Length;
        }
        Array.Sort(pooled);
        bool any = count > 0;
        return new GroupFigures
        {
            Key = key,
            Runs = runs.Count,
            Sent = sent,
            Lost = lost,
            Late = sent - lost - count,
            Count = count,
            MeanUs = any ? sum / count : null,
            P50Us = any ? Percentile.Linear(pooled, 0.50) : null,
            P90Us = any ? Percentile.Linear(pooled, 0.90) : null,
            P95Us = any ? Percentile.Linear(pooled, 0.95) : null,
            P99Us = any ? Percentile.Linear(pooled, 0.99) : null,
            JitterUs = pairs > 0 ? sumAbsDelta / pairs : null,
            Locations = acrossLocations ? Locations(runs.Select(r => r.Location)) : null,
        };
    }

    private static List<GroupFigures> Order(IEnumerable<GroupFigures> figures) =>
        figures
            .OrderBy(f => f.Key.Platform, StringComparer.Ordinal)
            .ThenBy(f => f.Key.Location is null ? 1 : 0)
            .ThenBy(f => f.Key.Location, StringComparer.Ordinal)
            .ThenBy(f => f.Key.Channel, StringComparer.Ordinal)
            .ThenBy(f => f.Key.BucketStartUs)
            .ToList();

    /// <summary>Merges the histograms of one group; mean and jitter pool exactly as count-weighted means.</summary>
    private sealed class HistogramGroup(bool acrossLocations)
    {
        private RollupSums? _sums = new();

        public RollupSums Sums => _sums ?? throw new InvalidOperationException("The group's figures were read already.");

        /// <summary>Across locations: the locations pooled; else null (thousands of groups, no set each).</summary>
        public HashSet<string?>? Locations { get; } = acrossLocations ? [] : null;

        /// <summary>
        /// The figures, once: the group lets go of its sums, so its merged histogram (decoded for these figures when
        /// the group is one stored row) is garbage as soon as they are read, not kept alive with every other group's
        /// until the response is built (thousands of groups: most of a query's memory).
        /// </summary>
        public GroupFigures Figures(GroupKey key, bool acrossLocations)
        {
            var sums = Sums;
            _sums = null;
            var histogram = sums.Histogram;
            bool any = histogram.Count > 0;
            return new GroupFigures
            {
                Key = key,
                Runs = checked((int)sums.Runs),
                Sent = sums.Sent,
                Lost = sums.Lost,
                Late = sums.Late,
                Count = histogram.Count,
                MeanUs = sums.MeanCount > 0 ? sums.MeanSum / sums.MeanCount : null,
                P50Us = any ? histogram.Quantile(0.50) : null,
                P90Us = any ? histogram.Quantile(0.90) : null,
                P95Us = any ? histogram.Quantile(0.95) : null,
                P99Us = any ? histogram.Quantile(0.99) : null,
                JitterUs = sums.Pairs > 0 ? sums.JitterSum / sums.Pairs : null,
                Locations = Locations is { } pooled ? Aggregator.Locations(pooled) : null,
            };
        }
    }
}

using System.Globalization;
using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Aggregation;

/// <summary>Where one piece of a query window is read from: the runs, or hourly, six-hour, daily, weekly or four-week rollups.</summary>
internal enum SourceKind
{
    Runs,
    Hours,
    SixHours,
    Days,
    Weeks,
    FourWeeks,
}

/// <summary>One piece [FromUs, ToUs) of a query window (unix µs) and the table that answers it.</summary>
internal readonly record struct SourcePiece(SourceKind Kind, long FromUs, long ToUs);

/// <summary>
/// Cuts a merged-histogram query's window into pieces that the coarsest rollup answers exactly: whole four-week
/// buckets (28 days from a Thursday 00:00 UTC, aligned to the epoch) from four-week rollups, whole weeks (seven days
/// from a Thursday 00:00 UTC) from weekly rollups, whole UTC days from daily rollups, whole six hours (from 00, 06,
/// 12, 18 UTC) from six-hour rollups, whole hours from hourly rollups, and the partial hours at the window's edges
/// from the runs (each grain's buckets nest in the next one's, so the edges of one grain are cut by the finer ones). A rollup row may serve
/// only when it lies within one result bucket: a grain serves when the bucket size is a whole multiple of it
/// (buckets are aligned to the epoch, as the grains are); without buckets, always.
/// </summary>
internal static class SourcePlan
{
    private const long HourUs = 3_600_000_000;
    private const long SixHourUs = 6 * HourUs;
    private const long DayUs = 86_400_000_000;
    private const long WeekUs = 7 * DayUs;
    private const long FourWeekUs = 28 * DayUs;

    private static readonly (SourceKind Kind, long SizeUs)[] Grains =
        [(SourceKind.Hours, HourUs), (SourceKind.SixHours, SixHourUs), (SourceKind.Days, DayUs), (SourceKind.Weeks, WeekUs), (SourceKind.FourWeeks, FourWeekUs)];

    /// <summary>Every grain the rollups keep (seconds), finest first: what the service reads.</summary>
    public static readonly IReadOnlyList<int> AllGrainSeconds = [3600, 21600, 86400, 604800, 2419200];

    /// <summary>The grains read before six-hour and four-week rollups (the fleet-scale bench's baseline).</summary>
    public static readonly IReadOnlyList<int> HourDayWeekSeconds = [3600, 86400, 604800];

    /// <param name="grainSeconds">The rollup grains the plan may read (all by default; the bench's baseline reads fewer).</param>
    public static IReadOnlyList<SourcePiece> Plan(DateTimeOffset since, DateTimeOffset until, TimeSpan? bucket, IReadOnlyList<int>? grainSeconds = null)
    {
        long s = Buckets.ToUs(since), u = Buckets.ToUs(until);
        var pieces = new List<SourcePiece>(11);
        if (s < u)
        {
            Cut(s, u, Usable(bucket, grainSeconds ?? AllGrainSeconds), int.MaxValue, pieces);
        }
        return pieces;
    }

    /// <summary>The levels (indexes into <see cref="Grains"/>, finest first) that may serve with result buckets of <paramref name="bucket"/>.</summary>
    private static int[] Usable(TimeSpan? bucket, IReadOnlyList<int> grainSeconds)
    {
        var usable = new List<int>(Grains.Length);
        for (int level = 0; level < Grains.Length; level++)
        {
            long size = Grains[level].SizeUs;
            if (grainSeconds.Contains((int)(size / 1_000_000)) && (bucket is not { } b || b.Ticks % (size * 10) == 0))
            {
                usable.Add(level);
            }
        }
        return [.. usable];
    }

    /// <summary>
    /// Appends the pieces of [from, to) in order: the whole buckets of the coarsest usable grain finer than level
    /// <paramref name="above"/> that fit, and the edges around them cut by the finer grains (the runs last).
    /// </summary>
    private static void Cut(long from, long to, int[] usable, int above, List<SourcePiece> pieces)
    {
        for (int i = usable.Length - 1; i >= 0; i--)
        {
            int level = usable[i];
            if (level >= above)
            {
                continue;
            }
            var (kind, size) = Grains[level];
            long first = Ceiling(from, size), last = Floor(to, size);
            if (first < last)
            {
                if (from < first)
                {
                    Cut(from, first, usable, level, pieces);
                }
                pieces.Add(new SourcePiece(kind, first, last));
                if (last < to)
                {
                    Cut(last, to, usable, level, pieces);
                }
                return;
            }
        }
        pieces.Add(new SourcePiece(SourceKind.Runs, from, to));
    }

    /// <summary>
    /// Reads every piece of <paramref name="plan"/> with <paramref name="filter"/>'s platform, location and channel.
    /// When a rollup counts a run whose histogram does not decode, reads the whole window from the runs instead (as
    /// before rollups: the aggregation then reports that run).
    /// </summary>
    /// <param name="grouping">
    /// The result buckets and across-locations pooling of the query: the store merges rollup rows per group before
    /// returning them (a group's rows all lie in one result bucket; merging them first changes no figure). Null: every
    /// row comes back (the bench's baseline).
    /// </param>
    /// <param name="concurrent">
    /// The reads (the runs at each edge, the rollup pieces read row by row, the grouped rollup pieces) go to the store
    /// at once, each on its own connection, instead of one after another. Each read was already its own snapshot, so
    /// nothing else changes. False only for the fleet-scale bench's baseline.
    /// </param>
    public static async Task<(IReadOnlyList<RunAggregate> Runs, IReadOnlyList<RollupAggregate> Rollups, IReadOnlyList<SourcePiece> Used)> ReadAsync(
        IResultStore store, AggregateFilter filter, IReadOnlyList<SourcePiece> plan, RollupGrouping? grouping, CancellationToken ct,
        bool onePass = true, bool concurrent = true)
    {
        var runReads = new List<Func<Task<IReadOnlyList<RunAggregate>>>>();
        var rollupReads = new List<Func<Task<IReadOnlyList<RollupAggregate>>>>();
        // The pieces whose rows the store merges per group: read in one query, one row per group (onePass), or one
        // query per piece (the fleet-scale bench's baseline, as before).
        var together = new List<RollupPiece>();
        foreach (var piece in plan)
        {
            var range = filter with { Since = Buckets.FromUs(piece.FromUs), Until = Buckets.FromUs(piece.ToUs) };
            switch (piece.Kind)
            {
                case SourceKind.Runs:
                    runReads.Add(() => store.QueryRunAggregatesAsync(range, ct));
                    break;
                default:
                    int grain = GrainSeconds(piece.Kind);
                    // The store merges rows per group only where a group gathers several rows (buckets coarser than
                    // the grain, or across locations): otherwise grouping is work that merges nothing.
                    bool merges = grouping is not null
                        && (grouping.AcrossLocations || grouping.BucketSizeUs is not { } size || size > grain * 1_000_000L);
                    if (merges && onePass)
                    {
                        together.Add(new RollupPiece(grain, range.Since!.Value, range.Until!.Value));
                        break;
                    }
                    rollupReads.Add(merges
                        ? () => store.QueryRollupGroupsAsync(range, grain, grouping!, ct)
                        : () => store.QueryRollupsAsync(range, grain, ct));
                    break;
            }
        }
        if (together.Count > 0)
        {
            rollupReads.Add(() => store.QueryRollupGroupsAsync(filter, together, grouping!, ct));
        }
        IReadOnlyList<RunAggregate>[] runParts;
        IReadOnlyList<RollupAggregate>[] rollupParts;
        if (concurrent)
        {
            var runTasks = runReads.Select(read => read()).ToArray();
            var rollupTasks = rollupReads.Select(read => read()).ToArray();
            // Completes when every read has ended; throws the first failure.
            await Task.WhenAll([.. runTasks, .. rollupTasks]);
            runParts = [.. runTasks.Select(t => t.Result)];
            rollupParts = [.. rollupTasks.Select(t => t.Result)];
        }
        else
        {
            runParts = new IReadOnlyList<RunAggregate>[runReads.Count];
            rollupParts = new IReadOnlyList<RollupAggregate>[rollupReads.Count];
            for (int i = 0; i < runReads.Count; i++)
            {
                runParts[i] = await runReads[i]();
            }
            for (int i = 0; i < rollupReads.Count; i++)
            {
                rollupParts[i] = await rollupReads[i]();
            }
        }
        if (rollupParts.Any(rows => rows.Any(r => r.Sums.Undecodable > 0)))
        {
            var all = await store.QueryRunAggregatesAsync(filter, ct);
            return (all, [], [new SourcePiece(SourceKind.Runs, Buckets.ToUs(filter.Since!.Value), Buckets.ToUs(filter.Until!.Value))]);
        }
        var runs = new List<RunAggregate>(runParts.Sum(p => p.Count));
        foreach (var part in runParts)
        {
            runs.AddRange(part);
        }
        var rollups = new List<RollupAggregate>(rollupParts.Sum(p => p.Count));
        foreach (var part in rollupParts)
        {
            rollups.AddRange(part);
        }
        return (runs, rollups, plan);
    }

    private static int GrainSeconds(SourceKind kind) => kind switch
    {
        SourceKind.FourWeeks => 2419200,
        SourceKind.Weeks => 604800,
        SourceKind.Days => 86400,
        SourceKind.SixHours => 21600,
        _ => 3600,
    };

    /// <summary>
    /// True when the store answers the rollup pieces of a query with <paramref name="grouping"/> from the rows
    /// pre-merged across locations: across locations, no location filter (see <see cref="RollupGrouping.PerLocationRows"/>).
    /// </summary>
    public static bool ReadsAllLocationsRows(AggregateFilter filter, RollupGrouping? grouping) =>
        grouping is { AcrossLocations: true, PerLocationRows: false } && filter.Location is null;

    /// <summary>One sentence for method_note: which tables answered which part of the window.</summary>
    /// <param name="allLocationsRows">The rollups read were the rows pre-merged across locations.</param>
    public static string Describe(IReadOnlyList<SourcePiece> pieces, bool allLocationsRows = false)
    {
        long fourWeeks = 0, weeks = 0, days = 0, sixHours = 0, hours = 0, runsUs = 0;
        foreach (var piece in pieces)
        {
            switch (piece.Kind)
            {
                case SourceKind.FourWeeks: fourWeeks += (piece.ToUs - piece.FromUs) / FourWeekUs; break;
                case SourceKind.Weeks: weeks += (piece.ToUs - piece.FromUs) / WeekUs; break;
                case SourceKind.Days: days += (piece.ToUs - piece.FromUs) / DayUs; break;
                case SourceKind.SixHours: sixHours += (piece.ToUs - piece.FromUs) / SixHourUs; break;
                case SourceKind.Hours: hours += (piece.ToUs - piece.FromUs) / HourUs; break;
                default: runsUs += piece.ToUs - piece.FromUs; break;
            }
        }
        if (fourWeeks == 0 && weeks == 0 && days == 0 && sixHours == 0 && hours == 0)
        {
            return " Source: the runs of the whole window (no whole hour in it is served by rollups).";
        }
        var parts = new List<string>(6);
        if (fourWeeks > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"four-week rollups for {fourWeeks} whole four-week period{(fourWeeks == 1 ? "" : "s")} (28 days from a Thursday 00:00 UTC)"));
        }
        if (weeks > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"weekly rollups for {weeks} whole week{(weeks == 1 ? "" : "s")} (from Thursday 00:00 UTC)"));
        }
        if (days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"daily rollups for {days} whole UTC day{(days == 1 ? "" : "s")}"));
        }
        if (sixHours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"six-hour rollups for {sixHours} whole six-hour period{(sixHours == 1 ? "" : "s")} (from 00, 06, 12, 18 UTC)"));
        }
        if (hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"hourly rollups for {hours} whole hour{(hours == 1 ? "" : "s")}"));
        }
        if (runsUs > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"the runs of the partial hours at the window's edges ({runsUs / 1_000_000.0:0.###} s)"));
        }
        return " Source: " + string.Join(", ", parts)
            + (allLocationsRows
                ? "; the rollups read are the rows pre-merged across locations (one per platform × channel × period, listing the locations pooled)"
                : "")
            + "; rollups are maintained at ingest and hold the same merged histograms, counts and sums as the runs.";
    }

    private static long Floor(long us, long size) => us - (((us % size) + size) % size);

    private static long Ceiling(long us, long size)
    {
        long floor = Floor(us, size);
        return floor == us ? us : floor + size;
    }
}

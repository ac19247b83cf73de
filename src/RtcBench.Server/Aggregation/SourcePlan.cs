using System.Globalization;
using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Aggregation;

/// <summary>Where one piece of a query window is read from: the runs, hourly rollups or daily rollups.</summary>
internal enum SourceKind
{
    Runs,
    Hours,
    Days,
}

/// <summary>One piece [FromUs, ToUs) of a query window (unix µs) and the table that answers it.</summary>
internal readonly record struct SourcePiece(SourceKind Kind, long FromUs, long ToUs);

/// <summary>
/// Cuts a merged-histogram query's window into pieces that the coarsest rollup answers exactly: whole UTC days from
/// daily rollups, whole hours from hourly rollups, and the partial hours at the window's edges from the runs. A
/// rollup row may serve only when it lies within one result bucket: hours when the bucket size is a whole number of
/// hours (buckets are aligned to the epoch), days when it is a whole number of days; without buckets, always.
/// </summary>
internal static class SourcePlan
{
    private const long HourUs = 3_600_000_000;
    private const long DayUs = 86_400_000_000;

    public static IReadOnlyList<SourcePiece> Plan(DateTimeOffset since, DateTimeOffset until, TimeSpan? bucket)
    {
        long s = Buckets.ToUs(since), u = Buckets.ToUs(until);
        bool hours = bucket is not { } b1 || b1.Ticks % TimeSpan.TicksPerHour == 0;
        bool days = bucket is not { } b2 || b2.Ticks % TimeSpan.TicksPerDay == 0;
        long h1 = Ceiling(s, HourUs), h2 = Floor(u, HourUs);
        if (!hours || h1 >= h2)
        {
            return s < u ? [new SourcePiece(SourceKind.Runs, s, u)] : [];
        }
        var pieces = new List<SourcePiece>(5);
        if (s < h1)
        {
            pieces.Add(new SourcePiece(SourceKind.Runs, s, h1));
        }
        long d1 = Ceiling(h1, DayUs), d2 = Floor(h2, DayUs);
        if (days && d1 < d2)
        {
            if (h1 < d1)
            {
                pieces.Add(new SourcePiece(SourceKind.Hours, h1, d1));
            }
            pieces.Add(new SourcePiece(SourceKind.Days, d1, d2));
            if (d2 < h2)
            {
                pieces.Add(new SourcePiece(SourceKind.Hours, d2, h2));
            }
        }
        else
        {
            pieces.Add(new SourcePiece(SourceKind.Hours, h1, h2));
        }
        if (h2 < u)
        {
            pieces.Add(new SourcePiece(SourceKind.Runs, h2, u));
        }
        return pieces;
    }

    /// <summary>
    /// Reads every piece of <paramref name="plan"/> with <paramref name="filter"/>'s platform, location and channel.
    /// When a rollup counts a run whose histogram does not decode, reads the whole window from the runs instead (as
    /// before rollups: the aggregation then reports that run).
    /// </summary>
    public static async Task<(IReadOnlyList<RunAggregate> Runs, IReadOnlyList<RollupAggregate> Rollups, IReadOnlyList<SourcePiece> Used)> ReadAsync(
        IResultStore store, AggregateFilter filter, IReadOnlyList<SourcePiece> plan, CancellationToken ct)
    {
        var runs = new List<RunAggregate>();
        var rollups = new List<RollupAggregate>();
        foreach (var piece in plan)
        {
            var range = filter with { Since = Buckets.FromUs(piece.FromUs), Until = Buckets.FromUs(piece.ToUs) };
            switch (piece.Kind)
            {
                case SourceKind.Runs:
                    runs.AddRange(await store.QueryRunAggregatesAsync(range, ct));
                    break;
                default:
                    var rows = await store.QueryRollupsAsync(range, piece.Kind == SourceKind.Days ? 86400 : 3600, ct);
                    if (rows.Any(r => r.Sums.Undecodable > 0))
                    {
                        var all = await store.QueryRunAggregatesAsync(filter, ct);
                        return (all, [], [new SourcePiece(SourceKind.Runs, Buckets.ToUs(filter.Since!.Value), Buckets.ToUs(filter.Until!.Value))]);
                    }
                    rollups.AddRange(rows);
                    break;
            }
        }
        return (runs, rollups, plan);
    }

    /// <summary>One sentence for method_note: which tables answered which part of the window.</summary>
    public static string Describe(IReadOnlyList<SourcePiece> pieces)
    {
        long days = 0, hours = 0, runsUs = 0;
        foreach (var piece in pieces)
        {
            switch (piece.Kind)
            {
                case SourceKind.Days: days += (piece.ToUs - piece.FromUs) / DayUs; break;
                case SourceKind.Hours: hours += (piece.ToUs - piece.FromUs) / HourUs; break;
                default: runsUs += piece.ToUs - piece.FromUs; break;
            }
        }
        if (days == 0 && hours == 0)
        {
            return " Source: the runs of the whole window (no whole hour in it is served by rollups).";
        }
        var parts = new List<string>(3);
        if (days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"daily rollups for {days} whole UTC day{(days == 1 ? "" : "s")}"));
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
            + "; rollups are maintained at ingest and hold the same merged histograms, counts and sums as the runs.";
    }

    private static long Floor(long us, long size) => us - (((us % size) + size) % size);

    private static long Ceiling(long us, long size)
    {
        long floor = Floor(us, size);
        return floor == us ? us : floor + size;
    }
}

namespace RtcBench.Storage;

/// <summary>What <see cref="IResultStore.RebuildRollupsAsync"/> did: runs read, and rows written per grain.</summary>
public sealed record RollupRebuildReport(long Runs, long HourRows, long DayRows)
{
    /// <summary>Weekly rows written (seven days from a Thursday 00:00 UTC, aligned to the unix epoch).</summary>
    public long WeekRows { get; init; }

    /// <summary>Six-hour rows written (from 00:00, 06:00, 12:00, 18:00 UTC).</summary>
    public long SixHourRows { get; init; }

    /// <summary>Four-week rows written (28 days from a Thursday 00:00 UTC, aligned to the unix epoch).</summary>
    public long FourWeekRows { get; init; }

    /// <summary>Rows pre-merged across locations written (every grain; one per platform × channel × bucket).</summary>
    public long AllLocationsRows { get; init; }
}

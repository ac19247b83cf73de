namespace RtcBench.Storage;

/// <summary>What <see cref="IResultStore.RebuildRollupsAsync"/> did: runs read, hour, day and week rows written.</summary>
public sealed record RollupRebuildReport(long Runs, long HourRows, long DayRows)
{
    /// <summary>Weekly rows written (seven days from a Thursday 00:00 UTC, aligned to the unix epoch).</summary>
    public long WeekRows { get; init; }
}

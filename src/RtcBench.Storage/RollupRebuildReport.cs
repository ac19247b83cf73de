namespace RtcBench.Storage;

/// <summary>What <see cref="IResultStore.RebuildRollupsAsync"/> did: runs read, hour and day rows written.</summary>
public sealed record RollupRebuildReport(long Runs, long HourRows, long DayRows);

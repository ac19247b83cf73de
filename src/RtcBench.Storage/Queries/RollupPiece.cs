namespace RtcBench.Storage.Queries;

/// <summary>
/// The rollup rows of one grain whose bucket starts in [<see cref="Since"/>, <see cref="Until"/>): one piece of a
/// query window that <see cref="IResultStore.QueryRollupGroupsAsync(AggregateFilter, IReadOnlyList{RollupPiece}, RollupGrouping, CancellationToken)"/>
/// merges with the others.
/// </summary>
public readonly record struct RollupPiece(int GrainSeconds, DateTimeOffset Since, DateTimeOffset Until);

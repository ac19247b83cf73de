namespace RtcBench.Storage;

/// <summary>What <see cref="IResultStore.PrunePingsAsync"/> did: runs whose pings it deleted, and how many pings.</summary>
public sealed record PruneReport(long Runs, long Pings);

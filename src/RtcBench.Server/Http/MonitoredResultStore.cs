using RtcBench.Core.Results;
using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Http;

/// <summary>
/// The service's view of its store: every call passes through, and tells <see cref="StoreOutage"/> whether the
/// store answered or could not be reached. Does not own the store (the caller of ServerHost disposes it).
/// </summary>
internal sealed class MonitoredResultStore(IResultStore inner, StoreOutage outage) : IResultStore
{
    public Task<SchemaReport> InitializeAsync(CancellationToken cancellationToken) =>
        WatchAsync(() => inner.InitializeAsync(cancellationToken));

    public Task<SaveOutcome> SaveRunAsync(RunResult run, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.SaveRunAsync(run, cancellationToken));

    public Task<RunResult?> GetRunAsync(string runId, bool includePings, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.GetRunAsync(runId, includePings, cancellationToken));

    public Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.FindRunIdsAsync(prefix, limit, cancellationToken));

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.ListRunsAsync(query, cancellationToken));

    public Task CheckAsync(CancellationToken cancellationToken) =>
        WatchAsync(async () =>
        {
            await inner.CheckAsync(cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(AggregateFilter filter, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.QueryRunAggregatesAsync(filter, cancellationToken));

    public Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(AggregateFilter filter, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.QueryOkPingsAsync(filter, cancellationToken));

    public Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(CancellationToken cancellationToken) =>
        WatchAsync(() => inner.ListLocationsAsync(cancellationToken));

    public Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(string? channel, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.GetLatestRunsAsync(channel, cancellationToken));

    public Task<IReadOnlyList<RollupAggregate>> QueryRollupsAsync(AggregateFilter filter, int grainSeconds, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.QueryRollupsAsync(filter, grainSeconds, cancellationToken));

    public Task<IReadOnlyList<RollupAggregate>> QueryRollupGroupsAsync(
        AggregateFilter filter, int grainSeconds, RollupGrouping grouping, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.QueryRollupGroupsAsync(filter, grainSeconds, grouping, cancellationToken));

    public Task<IReadOnlyList<RollupAggregate>> QueryRollupGroupsAsync(
        AggregateFilter filter, IReadOnlyList<RollupPiece> pieces, RollupGrouping grouping, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.QueryRollupGroupsAsync(filter, pieces, grouping, cancellationToken));

    public Task<RollupRebuildReport> RebuildRollupsAsync(CancellationToken cancellationToken) =>
        WatchAsync(() => inner.RebuildRollupsAsync(cancellationToken));

    public Task<PruneReport> PrunePingsAsync(DateTimeOffset startedBefore, DateTimeOffset prunedAt, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.PrunePingsAsync(startedBefore, prunedAt, cancellationToken));

    public Task<DateTimeOffset?> GetPingsPrunedAtAsync(string runId, CancellationToken cancellationToken) =>
        WatchAsync(() => inner.GetPingsPrunedAtAsync(runId, cancellationToken));

    public override string? ToString() => inner.ToString();

    /// <summary>Nothing to release: the wrapped store belongs to the caller.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<T> WatchAsync<T>(Func<Task<T>> call)
    {
        try
        {
            T result = await call().ConfigureAwait(false);
            outage.Succeeded();
            return result;
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e))
        {
            outage.Failed(e);
            throw;
        }
    }
}

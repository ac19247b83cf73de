using Microsoft.Extensions.Logging;
using RtcBench.Storage;

namespace RtcBench.Server.Retention;

/// <summary>
/// Ping retention (issue 18): deletes the raw pings of runs that started more than the retention window ago, once
/// when the service starts and then every <see cref="Period"/>; runs, their statistics and histograms, and the
/// rollups stay. A store that cannot be reached is tried again at the next period.
/// </summary>
internal sealed class PingPruner(IResultStore store, TimeSpan retention, TimeProvider time, ILogger logger)
{
    /// <summary>How often the pings are pruned after the first time.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Prunes the pings of runs that started before now − retention; logs what it did or why it could not.</summary>
    public async Task<PruneReport?> PruneOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        try
        {
            var report = await store.PrunePingsAsync(now - retention, now, ct).ConfigureAwait(false);
            if (report.Runs > 0)
            {
                ServerLog.PingsPruned(logger, report.Pings, report.Runs, now - retention);
            }
            return report;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unreachable store or any other failure: the service goes on; the next period tries again.
            ServerLog.PingPruneFailed(logger, e.GetType().Name);
            return null;
        }
    }

    /// <summary>Prunes every <see cref="Period"/> until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await PruneOnceAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}

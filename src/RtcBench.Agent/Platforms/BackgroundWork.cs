using System.Collections.Concurrent;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// Work a platform starts and does not await (an echo leaving, a room deleted at the provider), kept so that
/// shutting the agent down can wait for it, bounded.
/// </summary>
internal sealed class BackgroundWork
{
    // id → the task, replaced at once by its clean-up continuation: waiting on that continuation means a finished
    // task is also gone from the count, and a faulted task (its own business) does not fault the wait.
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _nextId;

    /// <summary>How many tracked tasks have not finished yet.</summary>
    public int Count => _running.Count;

    public void Track(Task task)
    {
        long id = Interlocked.Increment(ref _nextId);
        _running[id] = task;
        var removed = task.ContinueWith(_ => _running.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _running.TryUpdate(id, removed, task); // no-op when the task had already finished and removed itself
    }

    /// <summary>Waits for every tracked task, at most <paramref name="limit"/>; false when some were still running.</summary>
    public async Task<bool> WaitAsync(TimeSpan limit)
    {
        try
        {
            // A task tracked a moment ago may not be replaced by its continuation yet: wait on it without its fault.
            var all = Task.WhenAll(_running.Values.Select(t => t.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            await all.WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

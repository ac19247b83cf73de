namespace RtcBench.Hosting;

/// <summary>
/// The stop protocol the agent and the results service share once started: <see cref="StopAsync"/> runs the
/// service's own <see cref="StopCoreAsync"/> once, however many callers ask, and every caller awaits that one stop.
/// </summary>
public abstract class RunningHost : IAsyncDisposable
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    /// <summary>Stops the service. Idempotent; every call awaits the same stop (and sees its failure, if it failed).</summary>
    public Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ = RunStopAsync();
        }

        return _stopped.Task;
    }

    /// <summary>
    /// Completes when the service has stopped. Cancelling <paramref name="ct"/> is a request to stop: the service
    /// stops and the task completes normally.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        using (ct.Register(() => _ = StopAsync()))
        {
            await _stopped.Task.ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the service holds; runs once. Its exception becomes the outcome of every stop.</summary>
    protected abstract Task StopCoreAsync();

    private async Task RunStopAsync()
    {
        try
        {
            await StopCoreAsync().ConfigureAwait(false);
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            _stopped.TrySetException(ex);
        }
    }
}

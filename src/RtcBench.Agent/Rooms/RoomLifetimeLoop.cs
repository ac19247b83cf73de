using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Rooms;

/// <summary>
/// Sweeps the room registry on a <see cref="PeriodicTimer"/> driven by the agent's <see cref="TimeProvider"/>,
/// so tests can move time by hand. A client that vanishes leaves a room that this loop closes.
/// </summary>
internal sealed class RoomLifetimeLoop : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly RoomRegistry _registry;
    private readonly ILogger _logger;
    private readonly PeriodicTimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RoomLifetimeLoop(RoomRegistry registry, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _logger = logger;
        // Created here, not in the loop, so a tick that happens right after start is never missed.
        _timer = new PeriodicTimer(Interval, time);
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    _registry.Sweep();
                }
                catch (Exception ex)
                {
                    AgentLog.SweepFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

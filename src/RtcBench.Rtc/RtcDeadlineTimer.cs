namespace RtcBench.Rtc;

/// <summary>
/// The one timer a sans-IO core's host needs: armed for the core's next deadline (monotonic ns on the host's clock;
/// <see cref="RtcTime.Never"/> for none) and changed only when that deadline moves. Not thread-safe: the host calls
/// <see cref="Arm"/>, <see cref="Fired"/> and <see cref="Dispose"/> under the lock it serialises its core with; the
/// callback runs on a timer thread and takes that lock first.
/// </summary>
internal sealed class RtcDeadlineTimer : IDisposable
{
    private readonly ITimer _timer;
    private readonly Func<long> _clock;
    private long _armedForNs = RtcTime.Never;
    private bool _disposed;

    public RtcDeadlineTimer(TimeProvider time, Func<long> clock, TimerCallback callback, object state)
    {
        _clock = clock;
        _timer = time.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Fires at <paramref name="deadlineNs"/> (at once if it has passed), or never for <see cref="RtcTime.Never"/>.</summary>
    public void Arm(long deadlineNs)
    {
        if (deadlineNs == _armedForNs || _disposed)
        {
            return;
        }

        _armedForNs = deadlineNs;
        if (deadlineNs == RtcTime.Never)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long delayNs = Math.Max(0, deadlineNs - _clock());
        _timer.Change(TimeSpan.FromTicks(Math.Max(1, delayNs / 100)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The callback ran: nothing is armed any more, so the next <see cref="Arm"/> sets the timer again.</summary>
    public void Fired() => _armedForNs = RtcTime.Never;

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }
}

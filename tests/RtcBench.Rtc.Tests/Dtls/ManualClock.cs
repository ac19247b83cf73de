namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// A <see cref="TimeProvider"/> the test moves by hand (virtual time): timers fire inside <see cref="Advance"/>, on the
/// test's thread, in deadline order. Timestamps are 100 ns ticks from 0.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _nowTicks;

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _nowTicks;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward, firing every timer that falls due on the way at its own instant.</summary>
    public void Advance(TimeSpan by)
    {
        long end;
        lock (_gate)
        {
            end = _nowTicks + by.Ticks;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.DueTicks is { } due && due <= end).MinBy(t => t.DueTicks);
                if (next is null)
                {
                    _nowTicks = end;
                    return;
                }

                _nowTicks = Math.Max(_nowTicks, next.DueTicks!.Value);
                next.DueTicks = next.PeriodTicks > 0 ? _nowTicks + next.PeriodTicks : null;
            }

            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueTicks { get; set; }

        public long PeriodTicks { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                DueTicks = dueTime == Timeout.InfiniteTimeSpan ? null : owner._nowTicks + dueTime.Ticks;
                PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                DueTicks = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

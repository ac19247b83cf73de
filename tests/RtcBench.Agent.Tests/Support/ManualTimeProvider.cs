namespace RtcBench.Agent.Tests.Support;

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when told to: timestamps are nanoseconds, timers fire inside
/// <see cref="Advance"/>. Lets lifetime tests jump minutes ahead without sleeping.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _nowNs = 1_000_000_000_000;
    private DateTimeOffset _utc = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _nowNs;
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _utc;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
        }
        return timer;
    }

    /// <summary>Moves time forward and fires every timer that became due (each at most once per call).</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due = [];
        lock (_gate)
        {
            _nowNs += by.Ticks * 100;
            _utc += by;
            foreach (var t in _timers)
            {
                if (t.DueNs is long d && d <= _nowNs)
                {
                    due.Add(t);
                    t.DueNs = t.PeriodNs is long p ? _nowNs + p : null;
                }
            }
        }
        foreach (var t in due)
        {
            t.Fire();
        }
    }

    internal long NowNsLocked() => _nowNs;

    internal Lock Gate => _gate;

    internal void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    internal sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueNs { get; set; }

        public long? PeriodNs { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner.Gate)
            {
                DueNs = dueTime == Timeout.InfiniteTimeSpan ? null : owner.NowNsLocked() + dueTime.Ticks * 100;
                PeriodNs = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period.Ticks * 100;
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

namespace RtcBench.Core.Timing;

/// <summary>
/// Converts <see cref="TimeProvider"/> timestamps (monotonic ticks) to nanoseconds.
/// Every interval in RtcBench is measured on this clock; wall-clock time only places a run in time.
/// </summary>
public sealed class MonoTime
{
    private readonly TimeProvider _time;
    private readonly double _nsPerTick;

    public MonoTime(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _nsPerTick = 1_000_000_000.0 / time.TimestampFrequency;
    }

    public static MonoTime System { get; } = new(TimeProvider.System);

    public TimeProvider Provider => _time;

    /// <summary>Monotonic now, in nanoseconds since an arbitrary origin.</summary>
    public long NowNs() => TicksToNs(_time.GetTimestamp());

    public long TicksToNs(long ticks) => _nsPerTick == 1.0 ? ticks : (long)(ticks * _nsPerTick);

    /// <summary>Wall-clock now (UTC), for placing things in time only.</summary>
    public DateTimeOffset UtcNow() => _time.GetUtcNow();

    /// <summary>
    /// Takes a wall-clock anchor for this monotonic clock: unix time in microseconds minus monotonic time in
    /// microseconds. Adding it to a monotonic microsecond value gives an estimate of unix time in microseconds.
    /// </summary>
    public double WallAnchorUs()
    {
        long before = NowNs();
        DateTimeOffset utc = _time.GetUtcNow();
        long after = NowNs();
        double monoUs = (before + after) / 2.0 / 1000.0;
        double unixUs = (utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10.0;
        return unixUs - monoUs;
    }
}

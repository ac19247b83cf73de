namespace RtcBench.Rtc;

/// <summary>
/// Time conventions shared by every protocol core: monotonic nanoseconds as <c>long</c> (the same scale as
/// <c>RtcBench.Core.Timing.MonoTime.NowNs()</c>); <see cref="Never"/> means "no deadline".
/// </summary>
public static class RtcTime
{
    public const long Never = long.MaxValue;

    public const long NsPerMs = 1_000_000;

    public const long NsPerSecond = 1_000_000_000;

    public static long FromTimeSpan(TimeSpan span) => span.Ticks * 100;

    public static TimeSpan ToTimeSpan(long ns) => TimeSpan.FromTicks(ns / 100);
}

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>A monotonic clock in nanoseconds that moves only when a test (or a fake wait) moves it.</summary>
internal sealed class ManualClock : TimeProvider
{
    public long NowNs { get; set; } = 1_000_000_000;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => NowNs;
}

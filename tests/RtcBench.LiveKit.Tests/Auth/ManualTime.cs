namespace RtcBench.LiveKit.Tests.Auth;

/// <summary>A wall clock the test sets by hand (our NuGet source has no FakeTimeProvider).</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

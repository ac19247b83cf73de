namespace RtcBench.Storage.Tests;

/// <summary>A clock that always reads the same UTC time.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>A pacer that jumps the clock to the wake time, except once: the <see cref="StallAt"/>-th send wait
/// overshoots by <see cref="StallNs"/> (the sender was descheduled).</summary>
internal sealed class JumpPacer : ISendPacer
{
    private readonly ManualClock _clock;
    private int _waits;

    public JumpPacer(ManualClock clock) => _clock = clock;

    public int StallAt { get; init; } = -1;

    public long StallNs { get; init; }

    public bool WaitForSend(long dueNs)
    {
        _clock.NowNs = Math.Max(_clock.NowNs, dueNs + (_waits++ == StallAt ? StallNs : 0));
        return true;
    }

    public bool WaitLoosely(long untilNs)
    {
        _clock.NowNs = Math.Max(_clock.NowNs, untilNs);
        return true;
    }
}

namespace RtcBench.Runner.Pacing;

/// <summary>
/// The three ways the send pacer can pass time, behind one seam so tests drive <see cref="SendPacer"/> with a fake
/// clock: a coarse sleep that a stop request ends early, a precise (high-resolution timer) sleep that does not,
/// and one short spin step.
/// </summary>
internal interface IPacingWaits
{
    /// <summary>Sleeps about <paramref name="ns"/> (millisecond resolution); returns true when woken by a stop request.</summary>
    bool SleepCoarse(long ns);

    /// <summary>Sleeps <paramref name="ns"/> on a high-resolution timer; may oversleep, never woken early by a stop.</summary>
    void SleepPrecise(long ns);

    /// <summary>Burns a few hundred nanoseconds of CPU without yielding the core.</summary>
    void SpinOnce();

    /// <summary>Right after a send (<see cref="ISendPacer.OnSent"/>).</summary>
    void OnSent()
    {
    }

    /// <summary>When the pacing thread has received an answer (<see cref="ISendPacer.OnAnswered"/>).</summary>
    void OnAnswered()
    {
    }
}

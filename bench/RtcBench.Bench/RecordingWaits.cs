using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Bench;

/// <summary>
/// Wraps the pacer's waits and records how late each precise sleep woke (wake − (start + requested), ns) in the order
/// they happened, so the runner-cpu bench can show the wake-up distribution a pacer had to cover.
/// </summary>
internal sealed class RecordingWaits(MonoTime clock, IPacingWaits inner, List<long> oversleeps, bool holdPriority = false) : IPacingWaits
{
    public bool SleepCoarse(long ns) => inner.SleepCoarse(ns);

    public void SleepPrecise(long ns)
    {
        long start = clock.NowNs();
        inner.SleepPrecise(ns);
        if (ns > 0)
        {
            oversleeps.Add(clock.NowNs() - start - ns);
        }
    }

    public void SpinOnce() => inner.SpinOnce();

    /// <summary>Forwarded unless <c>holdPriority</c>: then a real-time thread stays real-time while it waits for the answer.</summary>
    public void OnSent()
    {
        if (!holdPriority)
        {
            inner.OnSent();
        }
    }

    public void OnAnswered() => inner.OnAnswered();
}

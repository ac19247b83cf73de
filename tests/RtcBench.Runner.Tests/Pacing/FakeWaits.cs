using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>
/// Waits that move a <see cref="ManualClock"/>: a coarse sleep passes whole milliseconds (plus
/// <see cref="CoarseOversleepNs"/>), a precise sleep passes what was asked plus the next oversleep the test chose,
/// and a spin step passes <see cref="SpinStepNs"/>. Counts what happened.
/// </summary>
internal sealed class FakeWaits : IPacingWaits
{
    private readonly ManualClock _clock;

    public FakeWaits(ManualClock clock) => _clock = clock;

    /// <summary>The oversleep of each precise sleep (negative: wakes early); called with the sleep's index.</summary>
    public Func<int, long> Oversleep { get; set; } = _ => 0;

    /// <summary>When set, the oversleep of a precise sleep by how long it asked to sleep (instead of <see cref="Oversleep"/>).</summary>
    public Func<long, long>? OversleepByRequest { get; set; }

    /// <summary>When set, <see cref="PreciseRequests"/> records each precise sleep's length (allocates).</summary>
    public bool RecordRequests { get; set; }

    /// <summary>How long each precise sleep asked to sleep, in order (with <see cref="RecordRequests"/>).</summary>
    public List<long> PreciseRequests { get; } = [];

    public long CoarseOversleepNs { get; set; }

    public long SpinStepNs { get; set; } = 250;

    /// <summary>When set, the next coarse sleep reports a stop request (after sleeping).</summary>
    public bool StopNextCoarse { get; set; }

    public int PreciseSleeps { get; private set; }

    public int CoarseSleeps { get; private set; }

    public bool SleepCoarse(long ns)
    {
        CoarseSleeps++;
        _clock.NowNs += ns / 1_000_000 * 1_000_000 + CoarseOversleepNs;
        bool stop = StopNextCoarse;
        StopNextCoarse = false;
        return stop;
    }

    public void SleepPrecise(long ns)
    {
        if (RecordRequests)
        {
            PreciseRequests.Add(ns);
        }
        long oversleep = OversleepByRequest is { } byRequest ? byRequest(ns) : Oversleep(PreciseSleeps);
        PreciseSleeps++;
        _clock.NowNs += Math.Max(0, ns + oversleep);
    }

    public void SpinOnce() => _clock.NowNs += SpinStepNs;
}

namespace RtcBench.Runner.Pacing;

/// <summary>
/// How a <see cref="SendPacer"/> waits and what it has learnt about this machine's timers, kept from run to run by a
/// <see cref="BenchmarkRunner"/> so each run after the first starts calibrated.
/// <para><see cref="Sliced"/> (the default): one precise sleep to <see cref="Wake"/>'s margin before the send, then
/// precise sleeps of at most <see cref="SliceNs"/> to <see cref="Slice"/>'s margin before it, then a spin. On a
/// virtual machine a long sleep wakes late (the idle virtual CPU has to be scheduled again by the host: 35 µs typical
/// here, up to a millisecond on a loaded host) while a short sleep right after a wake-up wakes sooner and with a
/// shorter tail (bench/results/runner-cpu.md), so the long sleep's lateness is covered by cheap short sleeps and
/// only the short sleeps' lateness by spinning. Losing a few extra short sleeps costs little, so <see cref="Wake"/>
/// covers the largest oversleep of its window (up to 2 ms).</para>
/// <para><see cref="SpinOnly"/> (the pacer before slicing, kept to be measured against): one precise sleep to the
/// margin, then a spin for all of it.</para>
/// </summary>
internal sealed class PacingCalibration
{
    /// <summary>The longest short sleep of the sliced strategy.</summary>
    public const long DefaultSliceNs = 250_000;

    /// <summary>The sliced strategy's ceiling for the first sleep's margin.</summary>
    public const long SlicedWakeCeilingNs = 2_000_000;

    private PacingCalibration(OversleepWindow wake, OversleepWindow? slice, long sliceNs)
    {
        Wake = wake;
        Slice = slice;
        SliceNs = sliceNs;
    }

    /// <summary>The oversleeps of the first (long) sleep before each send.</summary>
    public OversleepWindow Wake { get; }

    /// <summary>The oversleeps of the short sleeps after it; null when the pacer does not slice.</summary>
    public OversleepWindow? Slice { get; }

    /// <summary>The longest short sleep; 0 when the pacer does not slice.</summary>
    public long SliceNs { get; }

    /// <summary>First sleep, then short sleeps of at most <paramref name="sliceNs"/>, then a spin (the default).</summary>
    public static PacingCalibration Sliced(long sliceNs = DefaultSliceNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceNs, SendPacer.MinSleepNs);
        return new(new OversleepWindow(rank: 1, ceilingNs: SlicedWakeCeilingNs), new OversleepWindow(rank: 2), sliceNs);
    }

    /// <summary>One precise sleep, then a spin over the whole margin (the pacer before slicing).</summary>
    public static PacingCalibration SpinOnly() => new(new OversleepWindow(), null, 0);
}

namespace RtcBench.Runner.Pacing;

/// <summary>
/// How a <see cref="SendPacer"/> waits and what it has learnt about this machine's timers, kept from run to run by a
/// <see cref="BenchmarkRunner"/> so each run after the first starts calibrated.
/// <para><see cref="TwoStage"/> (the default): one precise sleep to <see cref="First"/>'s margin before the send, a
/// second, short precise sleep to <see cref="Short"/>'s margin before it, then a spin. On this virtual machine a
/// sleep of 10 ms wakes 35 µs late as a rule and up to a millisecond late on a loaded host, and the spin-only pacer
/// spun for that whole tail before every send; the first wake-up is now covered by a second sleep, and the spin covers
/// only the second sleep's lateness (bench/results/runner-cpu.md). Each sleep is a chance to wake late, so there are
/// at most two (with the default <see cref="MaxShortSleepNs"/>) and each margin covers the largest oversleep of its
/// window (a late send needs a sleep to oversleep everything seen in the last 512: about 0.2 % each).</para>
/// <para><see cref="SpinOnly"/> (the pacer before, kept to be measured against): one precise sleep to the margin
/// (the third-largest oversleep of the window), then a spin for all of it.</para>
/// </summary>
internal sealed class PacingCalibration
{
    /// <summary>The longest short sleep by default: as long as the first sleep's margin can be, so one short sleep
    /// covers it (benchmarks try shorter ones: several short sleeps per send).</summary>
    public const long DefaultMaxShortSleepNs = FirstCeilingNs;

    /// <summary>The two-stage strategy's ceiling for the first sleep's margin (a longer margin costs only a longer
    /// second sleep).</summary>
    public const long FirstCeilingNs = 2_000_000;

    private PacingCalibration(OversleepWindow first, OversleepWindow? shortSleeps, long maxShortSleepNs)
    {
        First = first;
        Short = shortSleeps;
        MaxShortSleepNs = maxShortSleepNs;
    }

    /// <summary>The oversleeps of the first (long) sleep before each send.</summary>
    public OversleepWindow First { get; }

    /// <summary>The oversleeps of the short sleeps after it; null for <see cref="SpinOnly"/>.</summary>
    public OversleepWindow? Short { get; }

    /// <summary>The longest short sleep; 0 for <see cref="SpinOnly"/>.</summary>
    public long MaxShortSleepNs { get; }

    /// <summary>A first sleep, short sleeps of at most <paramref name="maxShortSleepNs"/> (by default one), a spin.</summary>
    /// <param name="maxShortSleepNs">The longest short sleep.</param>
    /// <param name="shortRank">Which largest short-sleep oversleep of a full window the spin covers (1–3).</param>
    public static PacingCalibration TwoStage(long maxShortSleepNs = DefaultMaxShortSleepNs, int shortRank = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShortSleepNs, SendPacer.MinSleepNs);
        return new(new OversleepWindow(rank: 1, ceilingNs: FirstCeilingNs), new OversleepWindow(shortRank), maxShortSleepNs);
    }

    /// <summary>One precise sleep, then a spin over the whole margin (the pacer before the two-stage one).</summary>
    public static PacingCalibration SpinOnly() => new(new OversleepWindow(), null, 0);
}

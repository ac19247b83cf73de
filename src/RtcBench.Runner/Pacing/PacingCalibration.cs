namespace RtcBench.Runner.Pacing;

/// <summary>
/// How a <see cref="SendPacer"/> waits and what it has learnt about this machine's timers, kept from run to run by a
/// <see cref="BenchmarkRunner"/> so each run after the first starts calibrated.
/// <para><see cref="SpinOnly"/> (the default): one precise sleep to <see cref="First"/>'s margin (the third-largest
/// oversleep of its window plus 10 µs), then a spin for all of it.</para>
/// <para><see cref="TwoStage"/> (measured, not the default): one precise sleep to <see cref="First"/>'s margin (the
/// largest oversleep of its window, up to 2 ms), a short precise sleep to <see cref="Short"/>'s margin, then a spin
/// covering only the short sleep's lateness. It pays when a short sleep taken right after a wake-up wakes with a much
/// shorter tail than the long one; on this development VM it does not reliably (the two tails are alike within noise
/// under load), so the second sleep adds a second chance to wake late: in four interleaved runs it used 0.55–1.14×
/// the spin-only pacer's CPU per ping and sent late 0.7–1.4× as often (bench/results/runner-cpu.md).</para>
/// </summary>
internal sealed class PacingCalibration
{
    /// <summary>The longest short sleep by default: as long as the first sleep's margin can be, so one short sleep
    /// covers it (a shorter one means several short sleeps per send).</summary>
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

    /// <summary>One precise sleep, then a spin over the whole margin (the default).</summary>
    public static PacingCalibration SpinOnly() => new(new OversleepWindow(), null, 0);
}

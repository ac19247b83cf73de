using System.Runtime.CompilerServices;
using RtcBench.Core.Timing;

namespace RtcBench.Runner.Pacing;

/// <summary>
/// Waits for each send time without burning a core: one precise high-resolution sleep to <see cref="MarginNs"/>
/// before the send (with the two-stage strategy, <see cref="PacingCalibration.TwoStage"/>, measured but not the
/// default, then a short precise sleep to <see cref="ShortMarginNs"/> before it); then a spin for the last stretch. A wait longer than
/// <see cref="PreciseSpanNs"/> starts with a coarse sleep (ended at once by a stop request) to
/// <see cref="CoarseLeadNs"/> before the precise one, so at the pacings that need precision the first wake-up is the
/// precise one. Each margin adapts to the oversleep its kind of sleep shows on this machine (<see cref="OversleepWindow"/>:
/// about the largest of the last 512, 20 µs–1 ms; 2 ms for the first sleep of two). So on a quiet kernel it spins
/// tens of µs per send, and on a loaded one it spins longer rather than send late. Never returns before the send time; allocates nothing per wait.
/// Not thread-safe: one pacer per driver thread.
/// </summary>
internal sealed class SendPacer : ISendPacer
{
    public const long MinMarginNs = 20_000;

    /// <summary>The ceiling, and the margin before there are samples: the old driver's fixed 1 ms spin window.</summary>
    public const long MaxMarginNs = 1_000_000;

    /// <summary>The shortest gap worth a short sleep rather than a spin (a wake-up costs CPU too).</summary>
    public const long MinSleepNs = 30_000;

    /// <summary>A bound on the short sleeps of one wait, should sleeps keep ending early (signals).</summary>
    public const int MaxShortSleepsPerWait = 64;

    /// <summary>Added to the oversleep the margin covers.</summary>
    public const long GuardNs = 10_000;

    /// <summary>The coarse (millisecond, stoppable) sleep ends this long before the precise sleep starts.</summary>
    public const long CoarseLeadNs = 2_000_000;

    /// <summary>The longest wait done as one precise sleep (and the longest a stop request waits to be noticed).</summary>
    public const long DefaultPreciseSpanNs = 20_000_000;

    private readonly MonoTime _clock;
    private readonly IPacingWaits _waits;
    private readonly OversleepWindow _oversleeps;
    private readonly OversleepWindow? _shortOversleeps;
    private readonly long _maxShortSleepNs;
    private long _marginNs;
    private long _shortMarginNs;

    /// <param name="calibration">The strategy and the oversleeps seen so far (shared by a runner's successive runs);
    /// null starts a fresh <see cref="PacingCalibration.SpinOnly"/> one.</param>
    public SendPacer(MonoTime clock, IPacingWaits waits, PacingCalibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(waits);
        _clock = clock;
        _waits = waits;
        calibration ??= PacingCalibration.SpinOnly();
        _oversleeps = calibration.First;
        _shortOversleeps = calibration.Short;
        _maxShortSleepNs = calibration.MaxShortSleepNs;
        _marginNs = _oversleeps.MarginNs;
        _shortMarginNs = _shortOversleeps?.MarginNs ?? 0;
    }

    /// <summary>Waits up to this long are one precise sleep; longer ones start with a coarse sleep. The wave-1 pacer
    /// used <see cref="CoarseLeadNs"/> (two wake-ups per send at 10 ms pacing); benchmarks set it to compare.</summary>
    public long PreciseSpanNs { get; init; } = DefaultPreciseSpanNs;

    /// <summary>How long before a send the first precise sleep ends (and, spin-only, the spin starts).</summary>
    public long MarginNs => _marginNs;

    /// <summary>How long before a send the short sleep ends and the spin starts; 0 for spin-only.</summary>
    public long ShortMarginNs => _shortMarginNs;

    /// <summary>Short sleeps taken, for benchmarks and tests.</summary>
    public long ShortSleeps { get; private set; }

    /// <summary>Total time spent spinning, for benchmarks and tests.</summary>
    public long SpunNs { get; private set; }

    /// <summary>The longest single spin.</summary>
    public long LongestSpinNs { get; private set; }

    /// <summary>Precise sleeps (first or short) that woke after the send time itself (the send went out late).</summary>
    public int LateWakes { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool WaitForSend(long dueNs)
    {
        long now = _clock.NowNs();
        long wakeAt = dueNs - _marginNs;
        if (wakeAt - now > PreciseSpanNs)
        {
            if (_waits.SleepCoarse(wakeAt - CoarseLeadNs - now))
            {
                return false;
            }
            now = _clock.NowNs();
        }
        if (wakeAt > now)
        {
            _waits.SleepPrecise(wakeAt - now);
            now = _clock.NowNs();
            _marginNs = _oversleeps.Add(now - wakeAt);
            if (now > dueNs)
            {
                LateWakes++;
            }
        }
        if (_shortOversleeps is not null)
        {
            long spinAt = dueNs - _shortMarginNs;
            for (int i = 0; i < MaxShortSleepsPerWait && spinAt - now >= MinSleepNs; i++)
            {
                long shortEnd = Math.Min(spinAt, now + _maxShortSleepNs);
                _waits.SleepPrecise(shortEnd - now);
                now = _clock.NowNs();
                _shortMarginNs = _shortOversleeps.Add(now - shortEnd);
                ShortSleeps++;
                if (now > dueNs)
                {
                    LateWakes++;
                }
            }
        }
        long spinFrom = now;
        while (now < dueNs)
        {
            _waits.SpinOnce();
            now = _clock.NowNs();
        }
        long spun = now - spinFrom;
        SpunNs += spun;
        if (spun > LongestSpinNs)
        {
            LongestSpinNs = spun;
        }
        return true;
    }

    /// <summary>Compiles the wait path before the first send (<see cref="HotPath"/>): the oversleep window's, and
    /// <see cref="WaitForSend"/> by waiting for a send that is already due (nothing is slept, spun or recorded). Call on
    /// the pacing thread after <see cref="SystemPacingWaits.PrepareThread"/>, which prepares the waits.</summary>
    public void Prepare()
    {
        HotPath.Prepare(typeof(OversleepWindow), nameof(OversleepWindow.Add));
        HotPath.Prepare(typeof(SendPacer), "set_" + nameof(LateWakes), "set_" + nameof(ShortSleeps), "set_" + nameof(SpunNs), "set_" + nameof(LongestSpinNs));
        _ = WaitForSend(_clock.NowNs());
    }

    public void OnSent() => _waits.OnSent();

    public void OnAnswered() => _waits.OnAnswered();

    public bool WaitLoosely(long untilNs)
    {
        long remaining = untilNs - _clock.NowNs();
        return remaining <= 0 || !_waits.SleepCoarse(Math.Max(remaining, 1_000_000));
    }
}

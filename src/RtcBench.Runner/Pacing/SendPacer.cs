using RtcBench.Core.Timing;

namespace RtcBench.Runner.Pacing;

/// <summary>
/// Waits for each send time without burning a core: a coarse sleep (ended at once by a stop request) to a few
/// milliseconds before the send, a precise high-resolution sleep to <see cref="MarginNs"/> before it, then a spin for
/// the last stretch. The margin adapts to the oversleep this machine shows: it is the largest oversleep of the last
/// <see cref="Window"/> precise sleeps plus <see cref="GuardNs"/>, clamped to
/// [<see cref="MinMarginNs"/>, <see cref="MaxMarginNs"/>], and <see cref="MaxMarginNs"/> until
/// <see cref="MinSamples"/> sleeps have been seen. So on a quiet kernel it spins tens of µs per send, and on a loaded
/// one it spins longer rather than send late. Never returns before the send time; allocates nothing per wait.
/// Not thread-safe: one pacer per driver thread.
/// </summary>
internal sealed class SendPacer : ISendPacer
{
    /// <summary>Oversleeps remembered to size the margin.</summary>
    public const int Window = 64;

    /// <summary>Precise sleeps seen before the margin leaves its ceiling.</summary>
    public const int MinSamples = 8;

    public const long MinMarginNs = 20_000;

    /// <summary>The ceiling, and the margin before there are samples: the old driver's fixed 1 ms spin window.</summary>
    public const long MaxMarginNs = 1_000_000;

    /// <summary>Added to the largest recent oversleep.</summary>
    public const long GuardNs = 10_000;

    /// <summary>The coarse (millisecond, stoppable) sleep ends this long before the precise sleep starts.</summary>
    public const long CoarseLeadNs = 2_000_000;

    private readonly MonoTime _clock;
    private readonly IPacingWaits _waits;
    private readonly long[] _oversleeps = new long[Window];
    private int _samples;
    private long _marginNs = MaxMarginNs;

    public SendPacer(MonoTime clock, IPacingWaits waits)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(waits);
        _clock = clock;
        _waits = waits;
    }

    /// <summary>How long before a send the precise sleep ends and the spin starts.</summary>
    public long MarginNs => _marginNs;

    /// <summary>Total time spent spinning, for benchmarks and tests.</summary>
    public long SpunNs { get; private set; }

    /// <summary>The longest single spin.</summary>
    public long LongestSpinNs { get; private set; }

    /// <summary>Precise sleeps that woke after the send time itself (the send went out late).</summary>
    public int LateWakes { get; private set; }

    public bool WaitForSend(long dueNs)
    {
        long now = _clock.NowNs();
        long wakeAt = dueNs - _marginNs;
        if (wakeAt - now > CoarseLeadNs)
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
            Observe(now - wakeAt);
            if (now > dueNs)
            {
                LateWakes++;
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

    public bool WaitLoosely(long untilNs)
    {
        long remaining = untilNs - _clock.NowNs();
        return remaining <= 0 || !_waits.SleepCoarse(Math.Max(remaining, 1_000_000));
    }

    private void Observe(long oversleepNs)
    {
        _oversleeps[_samples % Window] = Math.Max(0, oversleepNs);
        _samples++;
        if (_samples < MinSamples)
        {
            return;
        }
        long max = 0;
        int n = Math.Min(_samples, Window);
        for (int i = 0; i < n; i++)
        {
            max = Math.Max(max, _oversleeps[i]);
        }
        _marginNs = Math.Clamp(max + GuardNs, MinMarginNs, MaxMarginNs);
    }
}

namespace RtcBench.Runner.Pacing;

/// <summary>
/// The oversleeps (wake − requested wake, ns) of the last <see cref="Capacity"/> precise sleeps, and the spin margin
/// they call for: <see cref="SendPacer.MaxMarginNs"/> until <see cref="MinSamples"/> are held; then the largest of
/// them, the second largest from half a window on and the third largest once the window is full; plus
/// <see cref="SendPacer.GuardNs"/>, clamped to [<see cref="SendPacer.MinMarginNs"/>, <see cref="SendPacer.MaxMarginNs"/>].
/// The next sleep oversleeps the k-th largest of N past ones with probability k / (N + 1): about 0.6 % of sends once
/// the window is full, few enough to leave the p99 of send_delay to the sends that were on time, while two rare long
/// wakes (a descheduled virtual CPU) do not make every later send spin for them. One window serves the pacers of one
/// <see cref="BenchmarkRunner"/>, so each run after the first starts calibrated. Thread-safe; allocates nothing after
/// construction.
/// </summary>
internal sealed class OversleepWindow
{
    public const int Capacity = 512;

    public const int MinSamples = 16;

    private readonly Lock _gate = new();
    private readonly long[] _samples = new long[Capacity];
    private long _count;
    private long _marginNs = SendPacer.MaxMarginNs;

    /// <summary>How long before a send the spin should start.</summary>
    public long MarginNs
    {
        get
        {
            lock (_gate)
            {
                return _marginNs;
            }
        }
    }

    /// <summary>Precise sleeps recorded so far.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Records one oversleep (an early wake counts as 0) and returns the new margin.</summary>
    public long Add(long oversleepNs)
    {
        lock (_gate)
        {
            _samples[(int)(_count % Capacity)] = Math.Max(0, oversleepNs);
            _count++;
            if (_count < MinSamples)
            {
                return _marginNs;
            }
            int n = (int)Math.Min(_count, Capacity);
            long first = 0, second = 0, third = 0;
            for (int i = 0; i < n; i++)
            {
                long v = _samples[i];
                if (v > first)
                {
                    third = second;
                    second = first;
                    first = v;
                }
                else if (v > second)
                {
                    third = second;
                    second = v;
                }
                else if (v > third)
                {
                    third = v;
                }
            }
            long cover = n == Capacity ? third : n >= Capacity / 2 ? second : first;
            _marginNs = Math.Clamp(cover + SendPacer.GuardNs, SendPacer.MinMarginNs, SendPacer.MaxMarginNs);
            return _marginNs;
        }
    }
}

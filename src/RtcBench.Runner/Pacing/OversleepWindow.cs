using System.Runtime.CompilerServices;
namespace RtcBench.Runner.Pacing;

/// <summary>
/// The oversleeps (wake − requested wake, ns) of the last <see cref="Capacity"/> precise sleeps of one kind, and the
/// margin they call for: the ceiling until <see cref="MinSamples"/> are held; then the largest of them, and once half
/// a window / a full window is held the <c>rank</c>−1-th / <c>rank</c>-th largest (rank 3, the default: the second
/// largest from half a window on and the third once full); plus <see cref="SendPacer.GuardNs"/>, clamped to
/// [<see cref="SendPacer.MinMarginNs"/>, ceiling]. The next sleep oversleeps the k-th largest of N past ones with
/// probability k / (N + 1): about 0.6 % of sleeps at rank 3 once the window is full, 0.4 % at rank 2, 0.2 % at rank 1,
/// while at rank ≥ 2 one rare long wake (a descheduled virtual CPU) does not make every later send wait for it.
/// One window serves the pacers of one <see cref="BenchmarkRunner"/> (<see cref="PacingCalibration"/>), so each run
/// after the first starts calibrated. Thread-safe; allocates nothing after construction.
/// </summary>
internal sealed class OversleepWindow
{
    public const int Capacity = 512;

    public const int MinSamples = 16;

    private readonly Lock _gate = new();
    private readonly long[] _samples = new long[Capacity];
    private readonly int _rank;
    private readonly long _ceilingNs;
    private long _count;
    private long _marginNs;

    /// <param name="rank">Which largest oversleep of a full window the margin covers (1–3).</param>
    /// <param name="ceilingNs">The most the margin can be, and the margin before <see cref="MinSamples"/> are held.</param>
    public OversleepWindow(int rank = 3, long ceilingNs = SendPacer.MaxMarginNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(ceilingNs, SendPacer.MinMarginNs);
        _rank = rank;
        _ceilingNs = ceilingNs;
        _marginNs = ceilingNs;
    }

    /// <summary>The margin this window's sleeps call for (how long before the target they should end).</summary>
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

    /// <summary>The most <see cref="MarginNs"/> can be.</summary>
    public long CeilingNs => _ceilingNs;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            int rank = n == Capacity ? _rank : n >= Capacity / 2 ? Math.Max(1, _rank - 1) : 1;
            long cover = rank == 3 ? third : rank == 2 ? second : first;
            _marginNs = Math.Clamp(cover + SendPacer.GuardNs, SendPacer.MinMarginNs, _ceilingNs);
            return _marginNs;
        }
    }
}

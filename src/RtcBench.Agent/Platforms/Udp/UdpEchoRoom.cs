using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Platforms.Udp;

/// <summary>
/// One registered room: its token, expiry, activity counters, the anti-replay windows of its most recent runs (at
/// most <see cref="MaxRuns"/>; the least recently used is evicted), each with a window for pings (seq ≥ 0) and one
/// for readiness probes (seq &lt; 0), and the room's probe budget. Windows and budget are touched only by the receive
/// thread; the counters are read by other threads.
/// </summary>
internal sealed class UdpEchoRoom
{
    public const int MaxRuns = 16;

    /// <summary>Probes a room answers in a burst (token bucket capacity).</summary>
    public const int ProbeBurst = 10;

    /// <summary>One more probe is allowed every this many ns once the burst is spent: 2 per second.</summary>
    public const long ProbeIntervalNs = 500_000_000;

    /// <summary>The probe window: a runner sends a few dozen probes per run at most (DESIGN §3).</summary>
    public const int ProbeWindowSize = 64;

    private const long ProbeBudgetCapacityNs = ProbeBurst * ProbeIntervalNs;

    private readonly byte[] _token;
    private readonly ReplayWindow?[] _windows = new ReplayWindow?[MaxRuns];
    private readonly ReplayWindow?[] _probeWindows = new ReplayWindow?[MaxRuns];
    private long _useClock;
    private long _probeBudgetNs = ProbeBudgetCapacityNs;
    private long _probeBudgetAtNs = long.MinValue;
    private volatile bool _closed;

    public UdpEchoRoom(Guid id, ReadOnlySpan<byte> token, long expiresAtNs)
    {
        Id = id;
        _token = token.ToArray();
        ExpiresAtNs = expiresAtNs;
    }

    public Guid Id { get; }

    /// <summary>Monotonic ns (server clock) from which datagrams are dropped as expired.</summary>
    public long ExpiresAtNs { get; }

    public bool IsClosed => _closed;

    public void Close() => _closed = true;

    public bool TokenMatches(ReadOnlySpan<byte> token) => UdpFrame.TokenEquals(token, _token);

    /// <summary>Pongs and activity, by the rule every echo room counts by.</summary>
    public EchoTally Tally { get; } = new();

    /// <summary>
    /// Anti-replay check for (run, seq): true the first time, false for a replay or a seq too old for its window.
    /// Pings (seq ≥ 0) and probes (seq &lt; 0, tracked as <c>~seq</c>) have windows of their own. Allocates only
    /// the first time a window slot is used; afterwards evicted slots are reused.
    /// </summary>
    public bool TryAcceptSeq(RunId run, long seq)
    {
        int slot = SlotFor(run);
        if (seq >= 0)
        {
            return _windows[slot]!.TryAccept(seq);
        }
        var probes = _probeWindows[slot];
        if (probes is null)
        {
            probes = new ReplayWindow(ProbeWindowSize);
            probes.Reset(run);
            _probeWindows[slot] = probes;
        }
        return probes.TryAccept(~seq);
    }

    /// <summary>
    /// Takes one probe from the room's budget (a token bucket: <see cref="ProbeBurst"/> at once, then one every
    /// <see cref="ProbeIntervalNs"/>); false when it is spent.
    /// </summary>
    public bool TryTakeProbe(long nowNs)
    {
        if (_probeBudgetAtNs != long.MinValue && nowNs > _probeBudgetAtNs)
        {
            _probeBudgetNs = Math.Min(ProbeBudgetCapacityNs, _probeBudgetNs + (nowNs - _probeBudgetAtNs));
        }
        _probeBudgetAtNs = Math.Max(nowNs, _probeBudgetAtNs);
        if (_probeBudgetNs < ProbeIntervalNs)
        {
            return false;
        }
        _probeBudgetNs -= ProbeIntervalNs;
        return true;
    }

    /// <summary>The window slot of <paramref name="run"/>: its own, a free one, or the least recently used (reset).</summary>
    private int SlotFor(RunId run)
    {
        long use = ++_useClock;
        int free = -1;
        int oldest = -1;
        long oldestUse = long.MaxValue;
        for (int i = 0; i < _windows.Length; i++)
        {
            ReplayWindow? w = _windows[i];
            if (w is null)
            {
                if (free < 0)
                {
                    free = i;
                }
                continue;
            }
            if (w.RunId == run)
            {
                w.LastUse = use;
                return i;
            }
            if (w.LastUse < oldestUse)
            {
                oldest = i;
                oldestUse = w.LastUse;
            }
        }
        int slot = free >= 0 ? free : oldest;
        var window = _windows[slot] ??= new ReplayWindow();
        window.Reset(run);
        window.LastUse = use;
        _probeWindows[slot]?.Reset(run);
        return slot;
    }
}

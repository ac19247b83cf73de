using RtcBench.Core.Protocol;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// One registered room: its token, expiry, activity counters, and the anti-replay windows of its most recent runs
/// (at most <see cref="MaxRuns"/>; the least recently used is evicted). The windows are touched only by the
/// receive thread; the counters are read by other threads.
/// </summary>
internal sealed class UdpEchoRoom
{
    public const int MaxRuns = 16;

    private readonly byte[] _token;
    private readonly ReplayWindow?[] _windows = new ReplayWindow?[MaxRuns];
    private long _useClock;
    private long _pingsEchoed;
    private long _lastActivityNs = long.MinValue;
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

    public void RecordEcho(long nowNs)
    {
        Interlocked.Increment(ref _pingsEchoed);
        Volatile.Write(ref _lastActivityNs, nowNs);
    }

    public void RecordActivity(long nowNs) => Volatile.Write(ref _lastActivityNs, nowNs);

    public UdpEchoRoomStats Stats()
    {
        long last = Volatile.Read(ref _lastActivityNs);
        return new UdpEchoRoomStats(Interlocked.Read(ref _pingsEchoed), last == long.MinValue ? null : last);
    }

    /// <summary>
    /// Anti-replay check for (run, seq ≥ 0): true the first time, false for a replay. Allocates only the first time
    /// a window slot is used; afterwards evicted slots are reused.
    /// </summary>
    public bool TryAcceptSeq(RunId run, long seq)
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
                return w.TryAccept(seq);
            }
            if (w.LastUse < oldestUse)
            {
                oldest = i;
                oldestUse = w.LastUse;
            }
        }
        ReplayWindow window;
        if (free >= 0)
        {
            window = new ReplayWindow();
            _windows[free] = window;
        }
        else
        {
            window = _windows[oldest]!;
        }
        window.Reset(run);
        window.LastUse = use;
        return window.TryAccept(seq);
    }
}

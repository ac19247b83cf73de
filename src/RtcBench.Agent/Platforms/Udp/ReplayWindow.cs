using RtcBench.Core.Protocol;

namespace RtcBench.Agent.Platforms.Udp;

/// <summary>
/// An IPsec-style sliding anti-replay window (RFC 4303 §3.4.3) for one run: the highest sequence number seen and a
/// bitmap of the most recent ones (4096 bits unless told otherwise), kept circularly (bit <c>seq % size</c>).
/// Sequence numbers a whole window below the highest are rejected as too old. Not thread-safe: only the receive
/// thread touches it.
/// </summary>
internal sealed class ReplayWindow
{
    /// <summary>The default window: 4096 sequence numbers (pings).</summary>
    public const int Size = 4096;

    private readonly ulong[] _bits;
    private readonly int _size;
    private long _highest = -1;

    /// <param name="size">Window length in sequence numbers: a power of two, at least 64.</param>
    public ReplayWindow(int size = Size)
    {
        if (size < 64 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "A power of two, at least 64.");
        }
        _size = size;
        _bits = new ulong[size / 64];
    }

    public RunId RunId { get; private set; }

    /// <summary>A logical clock value of the last use, for least-recently-used eviction.</summary>
    public long LastUse { get; set; }

    /// <summary>Resets the window for a new run (reusing the bitmap: no allocation).</summary>
    public void Reset(RunId runId)
    {
        RunId = runId;
        _highest = -1;
        Array.Clear(_bits);
    }

    /// <summary>Records <paramref name="seq"/> (≥ 0); false when it was already seen or is too old.</summary>
    public bool TryAccept(long seq)
    {
        if (seq > _highest)
        {
            long advance = _highest < 0 ? _size : seq - _highest;
            if (advance >= _size)
            {
                Array.Clear(_bits);
            }
            else
            {
                for (long s = _highest + 1; s < seq; s++)
                {
                    Clear(s);
                }
            }
            _highest = seq;
            Set(seq);
            return true;
        }
        if (_highest - seq >= _size)
        {
            return false;
        }
        if (IsSet(seq))
        {
            return false;
        }
        Set(seq);
        return true;
    }

    private bool IsSet(long seq)
    {
        int bit = (int)(seq & (_size - 1));
        return (_bits[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    private void Set(long seq)
    {
        int bit = (int)(seq & (_size - 1));
        _bits[bit >> 6] |= 1UL << (bit & 63);
    }

    private void Clear(long seq)
    {
        int bit = (int)(seq & (_size - 1));
        _bits[bit >> 6] &= ~(1UL << (bit & 63));
    }
}

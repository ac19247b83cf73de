using RtcBench.Core.Protocol;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// An IPsec-style sliding anti-replay window (RFC 4303 §3.4.3) for one run: the highest sequence number seen and a
/// 4096-bit bitmap of the most recent ones, kept circularly (bit <c>seq % 4096</c>). Sequence numbers more than
/// 4096 below the highest are rejected as too old. Not thread-safe: only the receive thread touches it.
/// </summary>
internal sealed class ReplayWindow
{
    public const int Size = 4096;
    private const int Words = Size / 64;

    private readonly ulong[] _bits = new ulong[Words];
    private long _highest = -1;

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
            long advance = _highest < 0 ? Size : seq - _highest;
            if (advance >= Size)
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
        if (_highest - seq >= Size)
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
        int bit = (int)(seq % Size);
        return (_bits[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    private void Set(long seq)
    {
        int bit = (int)(seq % Size);
        _bits[bit >> 6] |= 1UL << (bit & 63);
    }

    private void Clear(long seq)
    {
        int bit = (int)(seq % Size);
        _bits[bit >> 6] &= ~(1UL << (bit & 63));
    }
}

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Receive-side TSN bookkeeping (RFC 9260 §6.2): the cumulative TSN, TSNs received above it (reported as gap ack
/// blocks), and duplicates (reported once in the next SACK). FORWARD-TSN moves the cumulative TSN (RFC 3758 §3.6).
/// </summary>
internal sealed class SctpReceiveTracker
{
    /// <summary>Farthest TSN ahead of the cumulative one we accept (gap offsets are 16-bit).</summary>
    public const int MaxTsnAhead = 65_535;

    private const int MaxDuplicates = 32;

    private readonly SortedSet<long> _above = [];
    private readonly List<uint> _duplicates = [];
    private readonly SackChunk _sack = new(); // Reused: the association writes each SACK into a packet at once.
    private long _cum;

    public void Initialize(uint peerInitialTsn) => _cum = (1L << 32) + peerInitialTsn - 1;

    public long CumulativeTsn => _cum;

    public bool HasGaps => _above.Count > 0;

    public bool HasDuplicates => _duplicates.Count > 0;

    public long Unwrap(uint tsn) => SctpSerial.Unwrap(tsn, _cum);

    public bool IsDuplicate(long tsn) => tsn <= _cum || _above.Contains(tsn);

    public bool IsTooFarAhead(long tsn) => tsn - _cum > MaxTsnAhead;

    public void RecordDuplicate(uint tsn)
    {
        if (_duplicates.Count < MaxDuplicates)
        {
            _duplicates.Add(tsn);
        }
    }

    /// <summary>Marks a new TSN received; returns true when the cumulative TSN advanced.</summary>
    public bool Add(long tsn)
    {
        if (tsn == _cum + 1)
        {
            _cum = tsn;
            while (_above.Count > 0 && _above.Min == _cum + 1)
            {
                _above.Remove(_cum + 1);
                _cum++;
            }

            return true;
        }

        _above.Add(tsn);
        return false;
    }

    /// <summary>Applies a FORWARD-TSN: everything up to <paramref name="newCum"/> counts as received.</summary>
    public bool ForwardTo(long newCum)
    {
        if (newCum <= _cum)
        {
            return false;
        }

        _cum = newCum;
        while (_above.Count > 0 && _above.Min <= _cum + 1)
        {
            var m = _above.Min;
            _above.Remove(m);
            _cum = Math.Max(_cum, m);
        }

        return true;
    }

    /// <summary>Builds a SACK that fits in <paramref name="maxLength"/> bytes and forgets the reported duplicates.</summary>
    /// <summary>
    /// Builds a SACK that fits in <paramref name="maxLength"/> bytes and forgets the reported duplicates. The returned
    /// chunk is reused by the next call: write it out before building another.
    /// </summary>
    public SackChunk BuildSack(uint advertisedWindow, int maxLength)
    {
        var room = (maxLength - 16) / 4;
        var (gaps, dups) = _sack.Reuse((uint)_cum, advertisedWindow);
        var dupCount = _duplicates.Count > room / 2 ? room / 2 : _duplicates.Count;
        for (var i = 0; i < dupCount; i++)
        {
            dups.Add(_duplicates[i]);
        }

        _duplicates.Clear();
        room -= dups.Count;
        long start = -1, end = -1;
        if (_above.Count > 0)
        {
            foreach (var t in _above)
            {
                if (start >= 0 && t == end + 1)
                {
                    end = t;
                    continue;
                }

                if (start >= 0 && !TryAddGap(gaps, start, end, room))
                {
                    start = -1;
                    break;
                }

                start = end = t;
            }
        }

        if (start >= 0)
        {
            TryAddGap(gaps, start, end, room);
        }

        return _sack;
    }

    private bool TryAddGap(List<(ushort, ushort)> gaps, long start, long end, int room)
    {
        if (gaps.Count >= room || end - _cum > ushort.MaxValue)
        {
            return false;
        }

        gaps.Add(((ushort)(start - _cum), (ushort)(end - _cum)));
        return true;
    }
}

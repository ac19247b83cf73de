using System.Buffers;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Turns DATA chunks back into messages (RFC 9260 §6.9: fragments of one message carry consecutive TSNs from the
/// B to the E fragment) and delivers them: unordered at once, ordered per stream in SSN order (§6.5–6.6).
/// FORWARD-TSN (RFC 3758 §3.6) and stream resets (RFC 6525 §5.2.2) adjust the per-stream expectations.
/// Messages are assembled into buffers rented from <see cref="ArrayPool{T}.Shared"/>; the association returns them
/// once the message has been polled. A single-chunk message (the common case) is copied once and allocates nothing.
/// </summary>
internal sealed class SctpReassembler(Queue<SctpQueuedEvent> events, SctpStats stats)
{
    private readonly SortedDictionary<long, DataChunk> _fragments = [];
    private readonly Dictionary<ushort, InboundStream> _streams = [];
    private InboundStream? _last; // the stream Stream() returned last (forgotten when streams are reset)
    private ushort _lastId;

    /// <summary>Bytes held in fragments and in messages waiting for an earlier SSN.</summary>
    public int BufferedBytes { get; private set; }

    public void Insert(long tsn, in DataChunkView view)
    {
        if (view.Beginning && view.Ending)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(view.UserData.Length);
            view.UserData.CopyTo(buffer);
            Complete(view.StreamId, view.Ppid, view.Unordered, view.Ssn, buffer, view.UserData.Length);
            return;
        }

        var chunk = view.ToDataChunk(); // A fragment is kept as a copy until its message is complete.
        _fragments[tsn] = chunk;
        BufferedBytes += chunk.UserData.Length;
        TryAssemble(tsn);
    }

    /// <summary>FORWARD-TSN: drop fragments at or below the new cumulative TSN and skip the given SSNs.</summary>
    public void Forward(long newCumulativeTsn, IReadOnlyList<(ushort StreamId, ushort Ssn)> skipped)
    {
        while (_fragments.Count > 0)
        {
            var first = _fragments.First();
            if (first.Key > newCumulativeTsn && (first.Value.Beginning || first.Key > newCumulativeTsn + 1))
            {
                break;
            }

            // At or below the new cumulative TSN, or a middle/end fragment whose beginning was skipped.
            RemoveFragment(first.Key);
            if (first.Key > newCumulativeTsn)
            {
                newCumulativeTsn = first.Key;
            }
        }

        foreach (var (sid, ssn) in skipped)
        {
            var s = Stream(sid);
            if (SctpSerial.SsnLess(ssn, s.NextSsn))
            {
                continue;
            }

            // Deliver complete messages up to the skipped SSN, in order, then continue after it.
            while (s.NextSsn != (ushort)(ssn + 1))
            {
                if (s.TryTake(s.NextSsn, out var m))
                {
                    BufferedBytes -= m.Length;
                    Deliver(m);
                }

                s.NextSsn++;
            }

            Drain(s);
        }
    }

    /// <summary>The peer reset its outgoing streams: our expected SSNs restart at 0.</summary>
    public void ResetStreams(IReadOnlyList<ushort> streamIds)
    {
        _last = null;
        if (streamIds.Count == 0)
        {
            // Every stream: what waited on any of them is dropped, and no longer held against the receive window.
            foreach (var s in _streams.Values)
            {
                Release(s);
            }

            _streams.Clear();
            return;
        }

        foreach (var sid in streamIds)
        {
            if (_streams.Remove(sid, out var s))
            {
                Release(s);
            }
        }
    }

    /// <summary>Drops a reset stream's waiting messages: their buffers back to the pool, their bytes off the count.</summary>
    private void Release(InboundStream s)
    {
        foreach (var m in s.Waiting)
        {
            BufferedBytes -= m.Length;
            ArrayPool<byte>.Shared.Return(m.Buffer!);
        }
    }

    private void TryAssemble(long tsn)
    {
        var start = tsn;
        var chunk = _fragments[tsn];
        while (!_fragments[start].Beginning)
        {
            if (!_fragments.TryGetValue(start - 1, out var prev) || !SameMessage(prev, chunk) || prev.Ending)
            {
                return;
            }

            start--;
        }

        var end = tsn;
        while (!_fragments[end].Ending)
        {
            if (!_fragments.TryGetValue(end + 1, out var next) || !SameMessage(next, chunk) || next.Beginning)
            {
                return;
            }

            end++;
        }

        var size = 0;
        for (var t = start; t <= end; t++)
        {
            size += _fragments[t].UserData.Length;
        }

        var data = ArrayPool<byte>.Shared.Rent(size);
        var off = 0;
        var first = _fragments[start];
        for (var t = start; t <= end; t++)
        {
            var f = _fragments[t];
            f.UserData.Span.CopyTo(data.AsSpan(off));
            off += f.UserData.Length;
            RemoveFragment(t);
        }

        Complete(first.StreamId, first.Ppid, first.Unordered, first.Ssn, data, size);
    }

    private static bool SameMessage(DataChunk a, DataChunk b) =>
        a.StreamId == b.StreamId && a.Unordered == b.Unordered && (a.Unordered || a.Ssn == b.Ssn);

    private void RemoveFragment(long tsn)
    {
        if (_fragments.Remove(tsn, out var f))
        {
            BufferedBytes -= f.UserData.Length;
        }
    }

    private void Complete(ushort streamId, uint ppid, bool unordered, ushort ssn, byte[] buffer, int length)
    {
        var msg = new SctpReceivedMessage(streamId, ppid, !unordered, buffer, length);
        if (unordered)
        {
            Deliver(msg);
            return;
        }

        var s = Stream(streamId);
        if (ssn == s.NextSsn && s.IsEmpty)
        {
            // The next message in order with none waiting (every message on a loss-free path): out at once, as Drain
            // would take it, without a trip through the stream's table.
            s.NextSsn++;
            Deliver(msg);
            return;
        }

        if (SctpSerial.SsnLess(ssn, s.NextSsn) || !s.TryWait(ssn, msg))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return; // stale (already skipped or delivered): drop
        }

        BufferedBytes += length;
        Drain(s);
    }

    private void Drain(InboundStream s)
    {
        while (s.TryTake(s.NextSsn, out var m))
        {
            BufferedBytes -= m.Length;
            Deliver(m);
            s.NextSsn++;
        }
    }

    private void Deliver(SctpReceivedMessage m)
    {
        stats.MessagesDelivered++;
        events.Enqueue(new SctpQueuedEvent(null, m));
    }

    private InboundStream Stream(ushort sid)
    {
        if (_last is { } last && _lastId == sid)
        {
            return last; // the stream of the previous message: one channel's traffic skips the table
        }

        if (!_streams.TryGetValue(sid, out var s))
        {
            s = new InboundStream();
            _streams[sid] = s;
        }

        _last = s;
        _lastId = sid;
        return s;
    }

    private sealed class InboundStream
    {
        private Dictionary<ushort, SctpReceivedMessage>? _ready; // messages waiting for an earlier SSN; made when one waits

        public ushort NextSsn { get; set; }

        /// <summary>No message waits (a stream without loss or reordering never makes its table).</summary>
        public bool IsEmpty => _ready is null || _ready.Count == 0;

        /// <summary>The messages waiting for an earlier SSN.</summary>
        public IEnumerable<SctpReceivedMessage> Waiting => _ready?.Values ?? Enumerable.Empty<SctpReceivedMessage>();

        /// <summary>Keeps a message until its SSN is next; false when one with that SSN already waits.</summary>
        public bool TryWait(ushort ssn, in SctpReceivedMessage message) => (_ready ??= []).TryAdd(ssn, message);

        /// <summary>Takes the waiting message with that SSN, if there is one.</summary>
        public bool TryTake(ushort ssn, out SctpReceivedMessage message)
        {
            if (_ready is null)
            {
                message = default;
                return false;
            }

            return _ready.Remove(ssn, out message);
        }
    }
}

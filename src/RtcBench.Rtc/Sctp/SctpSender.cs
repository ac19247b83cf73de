using System.Buffers;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// The send path: fragmentation (RFC 9260 §6.9), TSN/SSN assignment, the retransmission queue with T3-rtx
/// (§6.3), fast retransmit on three miss indications (§7.2.4), congestion control cwnd/ssthresh/partial_bytes_acked
/// (§7.2.1–7.2.3), the peer's receiver window (§6.1), and PR-SCTP abandonment with the advanced peer ack point
/// (RFC 3758 §3.5). It owns no timer of its own: the association reads <see cref="T3DeadlineNs"/>.
/// </summary>
internal sealed partial class SctpSender
{
    private const int MaxPooled = 1024;
    private readonly SctpOptions _options;
    private readonly SctpRtoEstimator _rto;
    private readonly SctpStats _stats;
    private readonly Queue<SctpOutboundMessage> _queue = new();
    private readonly List<SctpInflightChunk> _inflight = [];
    private readonly Dictionary<ushort, ushort> _nextSsn = [];
    private readonly Stack<SctpOutboundMessage> _freeMessages = new();
    private readonly Stack<SctpInflightChunk> _freeChunks = new();
    private readonly int _mtu;
    private readonly int _maxFragment;
    private long _nextTsn;
    private long _cumAck;
    private long _advancedPeerAck;
    private long _flight;
    private long _pba;
    private bool _inFastRecovery;
    private long _fastRecoveryExit;
    private bool _fastRtxPending;

    public SctpSender(SctpOptions options, SctpRtoEstimator rto, SctpStats stats)
    {
        _options = options;
        _rto = rto;
        _stats = stats;
        _mtu = options.MaxPacketSize;
        // Rounded down to a multiple of 4: chunks are padded, and a fragment whose padding overflows the packet would
        // never fit (MaxPacketSize 1163 under BouncyCastle DTLS gave 1135-byte fragments that stalled the stream).
        _maxFragment = (options.MaxPacketSize - SctpCommonHeader.Length - DataChunk.DataHeaderLength) & ~3;
    }

    public long CongestionWindow { get; private set; }

    public long SlowStartThreshold { get; private set; }

    public long PeerReceiverWindow { get; private set; }

    public long FlightSize => _flight;

    public long T3DeadlineNs { get; private set; } = RtcTime.Never;

    public bool PeerSupportsForwardTsn { get; set; }

    public bool ForwardTsnPending { get; private set; }

    /// <summary>User bytes queued or not yet cumulatively acknowledged.</summary>
    public long BufferedBytes { get; private set; }

    public bool IsDrained => _queue.Count == 0 && _inflight.Count == 0;

    /// <summary>New user data is waiting to be cut into DATA chunks.</summary>
    public bool HasQueuedData => _queue.Count > 0;

    public uint NextTsn => (uint)_nextTsn;

    public void Initialize(uint localInitialTsn, uint peerReceiverWindow)
    {
        _nextTsn = (1L << 32) + localInitialTsn;
        _cumAck = _advancedPeerAck = _nextTsn - 1;
        CongestionWindow = Math.Min(4 * _mtu, Math.Max(2 * _mtu, 4380)); // RFC 9260 §7.2.1
        SlowStartThreshold = peerReceiverWindow;
        PeerReceiverWindow = peerReceiverWindow;
    }

    /// <summary>Queues a copy of <paramref name="data"/> (pooled message, rented buffer: allocation-free once warm).</summary>
    public void Enqueue(ushort streamId, uint ppid, ReadOnlySpan<byte> data, SendOptions options, long expiresAtNs)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        var message = _freeMessages.TryPop(out var free) ? free : new SctpOutboundMessage();
        message.Init(streamId, ppid, buffer, data.Length, options, expiresAtNs);
        message.Queued = true;
        _queue.Enqueue(message);
        BufferedBytes += data.Length;
    }

    public bool HasQueuedFor(IReadOnlyCollection<ushort> streams)
    {
        foreach (var m in _queue)
        {
            if (streams.Count == 0 || streams.Contains(m.StreamId))
            {
                return true;
            }
        }

        return false;
    }

    public void ResetOutgoingSsn(IReadOnlyList<ushort> streams)
    {
        if (streams.Count == 0)
        {
            _nextSsn.Clear();
        }

        foreach (var s in streams)
        {
            _nextSsn.Remove(s);
        }
    }

    /// <summary>Processes a SACK (RFC 9260 §6.2.1, §7.2). Returns true when the cumulative TSN ack advanced.</summary>
    public bool OnSack(long nowNs, SackChunk sack)
    {
        var cum = SctpSerial.Unwrap(sack.CumulativeTsnAck, _cumAck);
        if (cum < _cumAck || cum >= _nextTsn)
        {
            return false; // stale (reordered) or acknowledging data never sent
        }

        var flightBefore = _flight;
        var cumAdvanced = cum > _cumAck;
        long bytesAcked = 0, rtt = -1, htna = -1;
        var removed = 0;
        while (removed < _inflight.Count && _inflight[removed].Tsn <= cum)
        {
            var c = _inflight[removed++];
            Acknowledge(c, nowNs, ref bytesAcked, ref rtt, ref htna);
            BufferedBytes -= c.Bytes;
        }

        for (var i = 0; i < removed; i++)
        {
            Release(_inflight[i]);
        }

        _inflight.RemoveRange(0, removed);
        _cumAck = cum;
        _advancedPeerAck = Math.Max(_advancedPeerAck, _cumAck);

        _stats.GapBlocksReceived += sack.GapBlocks.Count;
        for (var g = 0; g < sack.GapBlocks.Count; g++)
        {
            var (start, end) = sack.GapBlocks[g];
            var last = Math.Min(cum + end, cum + _inflight.Count);
            for (var t = cum + start; t <= last; t++)
            {
                var i = t - cum - 1;
                if (i >= 0 && i < _inflight.Count && !_inflight[(int)i].Acked)
                {
                    Acknowledge(_inflight[(int)i], nowNs, ref bytesAcked, ref rtt, ref htna);
                }
            }
        }

        if (htna >= 0 && sack.GapBlocks.Count > 0)
        {
            CountMissIndications(nowNs, htna);
        }

        if (_inFastRecovery && _cumAck >= _fastRecoveryExit)
        {
            _inFastRecovery = false;
        }

        if (rtt >= 0)
        {
            _rto.OnRttSample(rtt);
        }

        if (cumAdvanced && !_inFastRecovery && bytesAcked > 0 && flightBefore + _mtu > CongestionWindow)
        {
            if (CongestionWindow <= SlowStartThreshold)
            {
                CongestionWindow += Math.Min(bytesAcked, _mtu);
            }
            else
            {
                _pba += bytesAcked;
                if (_pba >= CongestionWindow)
                {
                    _pba -= CongestionWindow;
                    CongestionWindow += _mtu;
                }
            }
        }

        PeerReceiverWindow = Math.Max(0, sack.AdvertisedReceiverWindow - _flight);
        if (_inflight.Count == 0)
        {
            T3DeadlineNs = RtcTime.Never;
            _pba = 0;
        }
        else if (cumAdvanced || T3DeadlineNs == RtcTime.Never)
        {
            T3DeadlineNs = nowNs + _rto.RtoNs;
        }

        UpdateAdvancedPeerAck();
        return cumAdvanced;
    }

    /// <summary>T3-rtx expired (RFC 9260 §6.3.3): back off, collapse cwnd, mark everything outstanding.</summary>
    public void OnT3Expired(long nowNs)
    {
        _stats.T3Expirations++;
        _rto.BackOff();
        SlowStartThreshold = Math.Max(CongestionWindow / 2, 4 * _mtu);
        CongestionWindow = _mtu;
        _pba = 0;
        _inFastRecovery = false;
        foreach (var c in _inflight)
        {
            if (!c.Acked && !c.Abandoned)
            {
                MarkForRetransmit(c, nowNs);
            }
        }

        UpdateAdvancedPeerAck();
        ForwardTsnPending |= _advancedPeerAck > _cumAck;
        T3DeadlineNs = _inflight.Count > 0 ? nowNs + _rto.RtoNs : RtcTime.Never;
    }

    /// <summary>Adds retransmissions, then new DATA, to <paramref name="writer"/> within cwnd and rwnd.</summary>
    public bool Fill(long nowNs, SctpPacketWriter writer)
    {
        var added = false;
        var retransmitsLeft = false;
        foreach (var c in _inflight)
        {
            if (!c.MarkedForRetransmit)
            {
                continue;
            }

            if (nowNs >= c.Message.ExpiresAtNs && PeerSupportsForwardTsn)
            {
                Abandon(c.Message);
                continue;
            }

            if ((!_fastRtxPending && _flight >= CongestionWindow) || !writer.Fits(c.Chunk))
            {
                retransmitsLeft = true;
                break;
            }

            writer.TryAdd(c.Chunk);
            c.MarkedForRetransmit = false;
            c.Transmissions++;
            c.SentAtNs = nowNs;
            SetInFlight(c, true);
            _stats.Retransmissions++;
            added = true;
        }

        if (added)
        {
            _fastRtxPending = false;
            EnsureT3(nowNs);
            UpdateAdvancedPeerAck();
        }

        return retransmitsLeft ? added : FillNewData(nowNs, writer) | added;
    }

    private bool FillNewData(long nowNs, SctpPacketWriter writer)
    {
        var added = false;
        while (_flight < CongestionWindow && _queue.TryPeek(out var msg))
        {
            if (msg.Abandoned || (!msg.Started && nowNs >= msg.ExpiresAtNs))
            {
                _queue.Dequeue();
                msg.Queued = false;
                if (!msg.Abandoned)
                {
                    _stats.MessagesAbandoned++;
                    BufferedBytes -= msg.Length;
                    msg.Offset = msg.Length;
                }

                ReleaseIfDone(msg);
                continue;
            }

            var len = Math.Min(_maxFragment, msg.Length - msg.Offset);
            if ((PeerReceiverWindow < len && _flight > 0) || writer.Remaining < SctpPacketWriter.Padded(DataChunk.DataHeaderLength + len))
            {
                break;
            }

            if (!msg.Started)
            {
                msg.Started = true;
                if (msg.Ordered)
                {
                    _nextSsn.TryGetValue(msg.StreamId, out var ssn);
                    msg.Ssn = ssn;
                    _nextSsn[msg.StreamId] = (ushort)(ssn + 1);
                }
            }

            var flags = (byte)((msg.Offset == 0 ? DataChunk.FlagBeginning : 0)
                | (msg.Offset + len == msg.Length ? DataChunk.FlagEnding : 0)
                | (msg.Ordered ? 0 : DataChunk.FlagUnordered));
            var c = _freeChunks.TryPop(out var free) ? free : new SctpInflightChunk();
            c.Init(_nextTsn, msg, nowNs);
            var chunk = c.Chunk;
            chunk.Flags = flags;
            chunk.Tsn = (uint)_nextTsn++;
            chunk.StreamId = msg.StreamId;
            chunk.Ssn = msg.Ordered ? msg.Ssn : (ushort)0;
            chunk.Ppid = msg.Ppid;
            chunk.UserData = msg.Buffer.AsMemory(msg.Offset, len);
            writer.TryAdd(chunk);
            msg.ChunksOutstanding++;
            _inflight.Add(c);
            SetInFlight(c, true);
            PeerReceiverWindow = Math.Max(0, PeerReceiverWindow - len);
            msg.Offset += len;
            if (msg.Offset == msg.Length)
            {
                _queue.Dequeue();
                msg.Queued = false;
            }

            _stats.DataChunksSent++;
            added = true;
            EnsureT3(nowNs);
        }

        return added;
    }

    private void Acknowledge(SctpInflightChunk c, long nowNs, ref long bytesAcked, ref long rtt, ref long htna)
    {
        if (c.Acked)
        {
            return;
        }

        c.Acked = true;
        c.MarkedForRetransmit = false;
        SetInFlight(c, false);
        if (c.Abandoned)
        {
            return;
        }

        bytesAcked += c.Bytes;
        htna = Math.Max(htna, c.Tsn);
        if (c.Transmissions == 1)
        {
            rtt = nowNs - c.SentAtNs; // Karn: never sample a retransmitted chunk
        }
    }

    private void CountMissIndications(long nowNs, long htna)
    {
        var entered = false;
        foreach (var c in _inflight)
        {
            if (c.Tsn >= htna)
            {
                break;
            }

            if (c.Acked || c.Abandoned || c.MarkedForRetransmit || c.FastRetransmitted || ++c.MissReports < 3)
            {
                continue;
            }

            c.FastRetransmitted = true;
            _stats.FastRetransmits++;
            MarkForRetransmit(c, nowNs);
            entered = true;
        }

        if (entered && !_inFastRecovery)
        {
            _inFastRecovery = true;
            _fastRecoveryExit = _nextTsn - 1;
            SlowStartThreshold = Math.Max(CongestionWindow / 2, 4 * _mtu);
            CongestionWindow = SlowStartThreshold;
            _pba = 0;
            _fastRtxPending = true;
        }
    }

    private void MarkForRetransmit(SctpInflightChunk c, long nowNs)
    {
        SetInFlight(c, false);
        var m = c.Message;
        if (PeerSupportsForwardTsn && ((m.MaxRetransmits >= 0 && c.Transmissions > m.MaxRetransmits) || nowNs >= m.ExpiresAtNs))
        {
            Abandon(m);
            return;
        }

        c.MarkedForRetransmit = true;
    }

    private void SetInFlight(SctpInflightChunk c, bool inFlight)
    {
        if (c.InFlight != inFlight)
        {
            c.InFlight = inFlight;
            _flight += inFlight ? c.Bytes : -c.Bytes;
        }
    }

    /// <summary>A chunk left the retransmission queue: back to the pool, and its message too once nothing refers to it.</summary>
    private void Release(SctpInflightChunk c)
    {
        var m = c.Message;
        m.ChunksOutstanding--;
        c.Clear();
        if (_freeChunks.Count < MaxPooled)
        {
            _freeChunks.Push(c);
        }

        ReleaseIfDone(m);
    }

    private void ReleaseIfDone(SctpOutboundMessage m)
    {
        if (!m.IsReleasable)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(m.Clear());
        if (_freeMessages.Count < MaxPooled)
        {
            _freeMessages.Push(m);
        }
    }

    private void EnsureT3(long nowNs)
    {
        if (T3DeadlineNs == RtcTime.Never)
        {
            T3DeadlineNs = nowNs + _rto.RtoNs;
        }
    }
}

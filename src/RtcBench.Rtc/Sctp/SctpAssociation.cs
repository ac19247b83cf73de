using System.Buffers;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// A sans-IO SCTP association (RFC 9260) as WebRTC data channels use it over DTLS (RFC 8261): one path, no
/// addresses, PR-SCTP (RFC 3758) and stream reset (RFC 6525). No clock, no socket, no thread: feed it packets with
/// <see cref="HandleInput"/> and deadlines with <see cref="HandleTimeout"/>, then drain <see cref="TryPollTransmit"/>
/// and <see cref="TryPollEvent"/> and sleep until <see cref="NextTimeoutNs"/>. Not thread-safe.
/// Files: this one (API, timers, packet assembly), <c>.Input</c> (chunk dispatch, DATA/SACK, shutdown),
/// <c>.Handshake</c> (INIT, cookie), <c>.Reconfig</c> (stream reset).
/// </summary>
public sealed partial class SctpAssociation
{
    private const int HeartbeatInfoLength = 16;
    private readonly SctpOptions _options;
    private readonly Random _random;
    private readonly byte[] _secret;
    private readonly Queue<(byte[] Buffer, int Length, bool Pooled)> _transmit = new();
    private readonly Queue<SctpQueuedEvent> _events = new();
    private byte[]? _polledMessage;
    private readonly Queue<SctpChunk> _control = new();
    private readonly SackChunk _sackIn = new(); // Reused for every received SACK (read, processed, forgotten).
    private bool _deferSack;     // in HandleInputDeferringSack: a SACK bundled before DATA may wait (see there)
    private bool _sackPending;   // _sackIn was read and waits for CompleteDeferredSack
    private long _sackPendingNs; // the time of the packet that carried it
    private readonly SctpReceiveTracker _rx = new();
    private readonly SctpReassembler _reassembler;
    private readonly SctpSender _tx;
    private readonly SctpRtoEstimator _rto;
    private readonly SctpPacketWriter _writer;
    private long _now;
    private uint _localTag;
    private uint _peerTag;
    private uint _localInitialTsn;
    private bool _terminated;
    private bool _sackNow;
    private int _packetsSinceSack;
    private int _errorCount;
    private long _t1DeadlineNs = RtcTime.Never;
    private int _t1Count;
    private long _t1TimeoutNs;
    private SctpChunk? _t1Chunk;
    private long _t2DeadlineNs = RtcTime.Never;
    private int _t2Count;
    private long _sackDeadlineNs = RtcTime.Never;
    private long _heartbeatDeadlineNs = RtcTime.Never;
    private long _heartbeatSentNs = -1;
    private ulong _heartbeatNonce;

    public SctpAssociation(SctpOptions? options = null)
    {
        _options = options ?? new SctpOptions();
        _options.Validate();
        _random = _options.Random ?? Random.Shared;
        _secret = _options.CookieSecret ?? RandomNumberGenerator.GetBytes(32);
        _rto = new SctpRtoEstimator(_options.RtoInitialNs, _options.RtoMinNs, _options.RtoMaxNs);
        _tx = new SctpSender(_options, _rto, Stats);
        _reassembler = new SctpReassembler(_events, Stats);
        _writer = new SctpPacketWriter(_options.MaxPacketSize);
    }

    public SctpState State { get; private set; } = SctpState.Closed;

    /// <summary>True once the association ended (closed, aborted or failed); it then ignores all input.</summary>
    public bool IsTerminated => _terminated;

    public SctpStats Stats { get; } = new();

    public long RtoNs => _rto.RtoNs;

    /// <summary>Our verification tag (the peer's packets carry it), 0 before set-up. Diagnostics and tests.</summary>
    internal uint LocalVerificationTag => _localTag;

    /// <summary>The peer's verification tag (our packets carry it), 0 until its INIT or INIT-ACK. Diagnostics and tests.</summary>
    internal uint PeerVerificationTag => _peerTag;

    public long SmoothedRttNs => _rto.SrttNs;

    public long CongestionWindow => _tx.CongestionWindow;

    /// <summary>User bytes accepted by <see cref="Send"/> and not yet acknowledged (like bufferedAmount).</summary>
    public long BufferedAmount => _tx.BufferedBytes;

    public long NextTimeoutNs
    {
        get
        {
            if (_terminated)
            {
                return RtcTime.Never;
            }

            var t = Math.Min(Math.Min(_t1DeadlineNs, _t2DeadlineNs), Math.Min(_sackDeadlineNs, _heartbeatDeadlineNs));
            t = Math.Min(t, _reconfigDeadlineNs);
            return IsDataState(State) || State == SctpState.ShutdownSent ? Math.Min(t, _tx.T3DeadlineNs) : t;
        }
    }

    /// <summary>Starts the association as the initiator: sends INIT (RFC 9260 §5.1).</summary>
    public void Connect()
    {
        if (State != SctpState.Closed || _terminated)
        {
            throw new InvalidOperationException("Connect is only valid on a fresh association");
        }

        _localTag = NewTag();
        _localInitialTsn = (uint)_random.NextInt64(0, 1L << 32);
        _t1Chunk = BuildInit();
        State = SctpState.CookieWait;
        EmitSingle(_t1Chunk, 0);
        Stats.InitsSent++;
        StartT1();
    }

    /// <summary>
    /// Queues a message (1 byte up to <see cref="SctpOptions.MaxMessageSize"/>). Returns false when the send buffer
    /// is full. Messages sent before the association is up wait for it. Throws after shutdown or termination.
    /// </summary>
    public bool Send(ushort streamId, uint ppid, ReadOnlySpan<byte> message, SendOptions? options = null)
    {
        CompleteDeferredSack();
        if (message.Length == 0 || message.Length > _options.MaxMessageSize)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"message must be 1..{_options.MaxMessageSize} bytes, was {message.Length}"), nameof(message));
        }

        if (_terminated || State is not (SctpState.Closed or SctpState.CookieWait or SctpState.CookieEchoed or SctpState.Established))
        {
            throw new InvalidOperationException("the association is shutting down or closed");
        }

        if (_tx.BufferedBytes + message.Length > _options.MaxSendBufferBytes)
        {
            return false;
        }

        var o = options ?? SendOptions.Reliable;
        var expires = o.LifetimeNs is { } life ? _now + Math.Max(0, life) : RtcTime.Never;
        _tx.Enqueue(streamId, ppid, message, o, expires);
        return true;
    }

    /// <summary>Graceful close (RFC 9260 §9.2): deliver everything queued, then SHUTDOWN.</summary>
    public void Shutdown()
    {
        CompleteDeferredSack();
        if (_terminated)
        {
            return;
        }

        if (State == SctpState.Established)
        {
            State = SctpState.ShutdownPending;
            CheckShutdownProgress();
        }
        else if (State is SctpState.Closed or SctpState.CookieWait or SctpState.CookieEchoed)
        {
            Abort("Shutdown before established");
        }
    }

    /// <summary>Sends ABORT with a User-Initiated Abort cause (RFC 9260 §9.1) and ends the association.</summary>
    public void Abort(string reason = "Close called")
    {
        CompleteDeferredSack();
        if (_terminated)
        {
            return;
        }

        if (_peerTag != 0)
        {
            EmitSingle(AbortChunk.UserInitiated(reason), _peerTag);
        }

        Terminate(new SctpClosed(SctpCloseReason.LocalAbort, reason));
    }

    public void HandleTimeout(long nowNs)
    {
        CompleteDeferredSack();
        _now = Math.Max(_now, nowNs);
        if (_terminated)
        {
            return;
        }

        if (_now >= _t1DeadlineNs)
        {
            OnT1Expired();
        }

        if (!_terminated && _now >= _tx.T3DeadlineNs && (IsDataState(State) || State == SctpState.ShutdownSent))
        {
            _tx.OnT3Expired(_now);
            CountError("T3-rtx: data not acknowledged after max retransmissions");
        }

        if (_now >= _sackDeadlineNs)
        {
            _sackNow = true;
            _sackDeadlineNs = RtcTime.Never;
        }

        if (!_terminated && _now >= _heartbeatDeadlineNs)
        {
            OnHeartbeatTimer();
        }

        if (!_terminated && _now >= _t2DeadlineNs)
        {
            OnT2Expired();
        }

        if (!_terminated && _now >= _reconfigDeadlineNs)
        {
            OnReconfigTimer();
        }
    }

    /// <summary>Takes the next packet to send as a new array (allocates; <see cref="TryPollTransmit(Span{byte}, out int)"/> does not).</summary>
    public bool TryPollTransmit(out byte[] packet)
    {
        CompleteDeferredSack();
        if (!TryDequeueTransmit(out var next))
        {
            packet = [];
            return false;
        }

        if (next.Pooled)
        {
            packet = next.Buffer.AsSpan(0, next.Length).ToArray();
            ArrayPool<byte>.Shared.Return(next.Buffer);
        }
        else
        {
            packet = next.Buffer;
        }

        return true;
    }

    /// <summary>
    /// Copies the next packet to send into <paramref name="destination"/> (at least <see cref="SctpOptions.MaxPacketSize"/>
    /// bytes) and gives its length. Allocation-free.
    /// </summary>
    public bool TryPollTransmit(Span<byte> destination, out int length)
    {
        if (destination.Length < _options.MaxPacketSize)
        {
            throw new ArgumentException($"The destination must hold {_options.MaxPacketSize} bytes.", nameof(destination));
        }

        CompleteDeferredSack();

        if (!TryDequeueTransmit(out var next))
        {
            length = 0;
            return false;
        }

        next.Buffer.AsSpan(0, next.Length).CopyTo(destination);
        length = next.Length;
        if (next.Pooled)
        {
            ArrayPool<byte>.Shared.Return(next.Buffer);
        }

        return true;
    }

    /// <summary>Takes the next event; a received message comes as a new <see cref="SctpMessageReceived"/> (allocates).</summary>
    public bool TryPollEvent(out SctpEvent ev)
    {
        if (!TryPollEvent(out SctpEvent? other, out var message))
        {
            ev = null!;
            return false;
        }

        ev = other ?? new SctpMessageReceived(message.StreamId, message.Ppid, message.Data.ToArray(), message.Ordered);
        return true;
    }

    /// <summary>
    /// Takes the next event without allocating: either <paramref name="ev"/> is set, or it is null and
    /// <paramref name="message"/> is a received message whose bytes stay valid until the next call of either
    /// TryPollEvent overload.
    /// </summary>
    public bool TryPollEvent(out SctpEvent? ev, out SctpReceivedMessage message)
    {
        if (_polledMessage is { } previous)
        {
            _polledMessage = null;
            ArrayPool<byte>.Shared.Return(previous);
        }

        if (!_events.TryDequeue(out var next))
        {
            ev = null;
            message = default;
            return false;
        }

        ev = next.Event;
        message = next.Message;
        _polledMessage = next.Message.Buffer;
        return true;
    }

    /// <summary>
    /// Takes the buffer of the message the last <see cref="TryPollEvent(out SctpEvent?, out SctpReceivedMessage)"/>
    /// returned (rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>): the caller returns it there when done,
    /// and the next poll no longer does. Null when there is none. Lets a message go on without a copy.
    /// </summary>
    internal byte[]? TakePolledMessage()
    {
        var buffer = _polledMessage;
        _polledMessage = null;
        return buffer;
    }

    private bool TryDequeueTransmit(out (byte[] Buffer, int Length, bool Pooled) packet)
    {
        if (_transmit.Count == 0)
        {
            Produce();
        }

        if (_transmit.TryDequeue(out packet))
        {
            Stats.PacketsSent++;
            return true;
        }

        return false;
    }

    private static bool IsDataState(SctpState s) =>
        s is SctpState.Established or SctpState.ShutdownPending or SctpState.ShutdownReceived;

    private uint NewTag()
    {
        uint t;
        do
        {
            t = (uint)_random.NextInt64(1, 1L << 32);
        }
        while (t == 0);
        return t;
    }

    private SctpCommonHeader Header(uint tag) => new(_options.LocalPort, _options.RemotePort, tag);

    private void EmitSingle(SctpChunk chunk, uint tag)
    {
        var packet = SctpPacketWriter.Build(Header(tag), chunk);
        _transmit.Enqueue((packet, packet.Length, false));
    }

    private void Emit(SctpEvent ev) => _events.Enqueue(new SctpQueuedEvent(ev, default));

    /// <summary>Bundles control chunks, a SACK, FORWARD-TSN and DATA into as many packets as allowed now.</summary>
    private void Produce()
    {
        if (_terminated || _peerTag == 0)
        {
            return;
        }

        while (true)
        {
            while (_control.TryPeek(out var c) && (_writer.TryAdd(c) || _writer.IsEmpty))
            {
                _control.Dequeue(); // a chunk too big for an empty packet is dropped rather than wedging the queue
            }

            // A delayed SACK rides along with outgoing DATA (RFC 9260 §6.2: bundle SACKs with DATA when sending
            // anyway): in request/response traffic no standalone SACK packet is then needed.
            bool sackDue = _sackNow || (_sackDeadlineNs != RtcTime.Never && IsDataState(State) && _tx.HasQueuedData);
            if (sackDue && State != SctpState.CookieEchoed && _writer.Remaining >= 16)
            {
                var sack = _rx.BuildSack(AdvertisedWindow, _writer.Remaining);
                _writer.TryAdd(sack);
                _sackNow = false;
                _sackDeadlineNs = RtcTime.Never;
                _packetsSinceSack = 0;
                Stats.SacksSent++;
            }

            if (IsDataState(State))
            {
                if (_tx.ForwardTsnPending)
                {
                    var fwd = _tx.BuildForwardTsn();
                    if (!_writer.TryAdd(fwd))
                    {
                        _control.Enqueue(fwd);
                    }
                }

                _tx.Fill(_now, _writer);
            }

            if (_writer.IsEmpty)
            {
                break;
            }

            var packet = _writer.FinishPooled(Header(_peerTag), out int length);
            _transmit.Enqueue((packet, length, true));
        }

        TryStartReconfig();
        if (_control.Count > 0 && _transmit.Count == 0)
        {
            Produce();
        }
    }

    private uint AdvertisedWindow => (uint)Math.Max(0, _options.ReceiveWindow - _reassembler.BufferedBytes);

    private void OnT1Expired()
    {
        if (++_t1Count > _options.MaxInitRetransmissions || _t1Chunk is null)
        {
            Terminate(new SctpClosed(SctpCloseReason.Failed, "peer did not answer INIT/COOKIE-ECHO"));
            return;
        }

        // T1 backs off on its own (RFC 9260 §5.1.6 restarts T1 with the RTO rules): a lossy set-up must not leave
        // the association's RTO at 4 or 8 s for the first DATA, which has no RTT sample yet either.
        _t1TimeoutNs = Math.Min(_t1TimeoutNs * 2, _options.RtoMaxNs);
        if (_t1Chunk is InitChunk)
        {
            EmitSingle(_t1Chunk, 0);
            Stats.InitsSent++;
        }
        else
        {
            _control.Enqueue(_t1Chunk);
        }

        _t1DeadlineNs = _now + _t1TimeoutNs;
    }

    /// <summary>Starts T1 (INIT or COOKIE-ECHO just sent) afresh at the association's RTO.</summary>
    private void StartT1()
    {
        _t1Count = 0;
        _t1TimeoutNs = _rto.RtoNs;
        _t1DeadlineNs = _now + _t1TimeoutNs;
    }

    private void OnT2Expired()
    {
        if (++_t2Count > _options.MaxRetransmissions)
        {
            Terminate(new SctpClosed(SctpCloseReason.Failed, "peer did not answer SHUTDOWN"));
            return;
        }

        _rto.BackOff();
        _control.Enqueue(State == SctpState.ShutdownSent
            ? new ShutdownChunk { CumulativeTsnAck = (uint)_rx.CumulativeTsn }
            : new ShutdownAckChunk());
        _t2DeadlineNs = _now + _rto.RtoNs;
    }

    private void OnHeartbeatTimer()
    {
        if (State != SctpState.Established)
        {
            _heartbeatDeadlineNs = RtcTime.Never;
            return;
        }

        if (_tx.T3DeadlineNs != RtcTime.Never)
        {
            // RFC 9260 §8.3: heartbeats probe idle paths; with data outstanding T3-rtx does the probing.
            _heartbeatSentNs = -1;
            _heartbeatDeadlineNs = _now + _rto.RtoNs + _options.HeartbeatIntervalNs;
            return;
        }

        if (_heartbeatSentNs >= 0)
        {
            _rto.BackOff();
            CountError("HEARTBEAT not acknowledged after max retransmissions");
            if (_terminated)
            {
                return;
            }
        }

        var info = new byte[HeartbeatInfoLength];
        _heartbeatNonce = (ulong)_random.NextInt64();
        BitConverter.TryWriteBytes(info, _now);
        BitConverter.TryWriteBytes(info.AsSpan(8), _heartbeatNonce);
        _control.Enqueue(HeartbeatChunk.WithInfo(info));
        _heartbeatSentNs = _now;
        Stats.HeartbeatsSent++;
        _heartbeatDeadlineNs = _now + _rto.RtoNs + _options.HeartbeatIntervalNs;
    }

    private void CountError(string detail)
    {
        if (++_errorCount > _options.MaxRetransmissions)
        {
            Terminate(new SctpClosed(SctpCloseReason.Failed, detail));
        }
    }

    private void Terminate(SctpEvent ev)
    {
        _sackPending = false; // the association is over: what the peer acknowledged no longer matters
        _terminated = true;
        State = SctpState.Closed;
        _t1DeadlineNs = _t2DeadlineNs = _sackDeadlineNs = _heartbeatDeadlineNs = _reconfigDeadlineNs = RtcTime.Never;
        _control.Clear();
        Emit(ev);
    }
}

using RtcBench.Core.Protocol;

namespace RtcBench.Core.Measurement;

/// <summary>
/// The measurement core of one run: a sans-IO state machine. The driver asks when the next ping is due, has the
/// session write it (the session records the actual send time it is given), hands every received message to
/// <see cref="OnMessage"/> with the receive timestamp taken in the transport, and stops when
/// <see cref="IsComplete"/> says so. Then <see cref="Finish"/> decides every undecided ping, or
/// <see cref="FinishEchoLost"/> when the run ends because the echo was found gone (DESIGN §4b).
/// It never reads a clock and never allocates per ping; it is safe to send from one thread while another receives.
/// </summary>
public sealed class PingSession
{
    private readonly Lock _gate = new();
    private readonly PingRecord[] _records;
    private readonly PingSchedule _schedule;
    private readonly long _deadlineNs;
    private readonly long _startNs;
    private int _nextSeq;
    private int _answered;
    private int _lastAnsweredSeq = -1;
    private long _maxRttNs;
    private long _lastSentNs;
    private bool _finished;
    private bool _stopped;
    private long _malformed;
    private long _foreign;
    private long _unknownSeq;
    private long _duplicates;
    private long _probeAnswers;
    private readonly bool _reflected;

    // Live progress (Progress): measured pings answered in time / late, and those past their deadline unanswered,
    // found by a cursor that moves once over the records (amortised O(1) per ping, nothing allocated).
    private readonly LiveMedian _liveRtt = new();
    private int _liveOk;
    private int _liveLate;
    private int _overdue;
    private int _overdueCursor;

    /// <param name="runId">The run the pings belong to.</param>
    /// <param name="config">Validated settings.</param>
    /// <param name="startNs">Monotonic time (ns) at which ping 0 is scheduled.</param>
    public PingSession(RunId runId, RunConfig config, long startNs)
        : this(runId, config, startNs, reflectedEcho: false)
    {
    }

    /// <param name="runId">The run the pings belong to.</param>
    /// <param name="config">Validated settings.</param>
    /// <param name="startNs">Monotonic time (ns) at which ping 0 is scheduled.</param>
    /// <param name="reflectedEcho">
    /// True when the far end is a reflector that returns the ping itself (Janus's EchoTest): a returned ping of this
    /// run then answers it, with no echo timestamps (<see cref="PingRecord.Reflected"/>). Only then: anywhere else a
    /// ping coming back is not an answer (it is counted malformed).
    /// </param>
    public PingSession(RunId runId, RunConfig config, long startNs, bool reflectedEcho)
    {
        _reflected = reflectedEcho;
        ArgumentNullException.ThrowIfNull(config);
        var errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(config));
        }
        RunId = runId;
        Config = config;
        _startNs = startNs;
        _schedule = new PingSchedule(config);
        _deadlineNs = config.Deadline.Ticks * 100;
        _records = new PingRecord[config.TotalPings];
        for (int i = 0; i < _records.Length; i++)
        {
            _records[i].Seq = i;
            _records[i].IsWarmup = i < config.Warmup;
            _records[i].ScheduledNs = startNs + _schedule.OffsetNs(i);
        }
    }

    public RunId RunId { get; }

    public RunConfig Config { get; }

    public long StartNs => _startNs;

    /// <summary>How many pings have been sent so far.</summary>
    public int SentCount => Volatile.Read(ref _nextSeq);

    /// <summary>How many sent pings have been answered (on time or late).</summary>
    public int AnsweredCount => Volatile.Read(ref _answered);

    /// <summary>When the next ping is due (monotonic ns), or <see cref="long.MaxValue"/> when all are sent.</summary>
    public long NextSendDueNs
    {
        get
        {
            lock (_gate)
            {
                return _nextSeq < _records.Length && !_stopped ? _records[_nextSeq].ScheduledNs : long.MaxValue;
            }
        }
    }

    /// <summary>
    /// Writes the next ping into <paramref name="destination"/>, stamped with <paramref name="nowNs"/> as its actual
    /// send time. Call immediately before handing the bytes to the transport. Returns the message length.
    /// </summary>
    public int WriteNextPing(long nowNs, Span<byte> destination, out int seq)
    {
        lock (_gate)
        {
            if (_finished || _stopped || _nextSeq >= _records.Length)
            {
                throw new InvalidOperationException("No ping left to send.");
            }
            seq = _nextSeq;
            ref PingRecord r = ref _records[seq];
            r.SentNs = nowNs;
            int length = PingCodec.WritePing(destination, RunId, seq, nowNs, Config.PayloadBytes);
            _lastSentNs = nowNs;
            _nextSeq = seq + 1;
            return length;
        }
    }

    /// <summary>
    /// Re-stamps the ping just written by <see cref="WriteNextPing"/> (the <paramref name="length"/> bytes of
    /// <paramref name="message"/>) with <paramref name="sentNs"/> as its actual send time, in its bytes and its record;
    /// returns the message length. So a sender can encode first and read the send time right before the transport
    /// takes the bytes: the encoding is not inside the round trip. Call before the ping is handed to the transport.
    /// </summary>
    public int RestampLastPing(long sentNs, Span<byte> message, int length)
    {
        lock (_gate)
        {
            if (_nextSeq == 0)
            {
                throw new InvalidOperationException("No ping written yet.");
            }
            int seq = _nextSeq - 1;
            ref PingRecord r = ref _records[seq];
            if (!PingCodec.TryRestampPing(message[..length], sentNs))
            {
                length = PingCodec.WritePing(message, RunId, seq, sentNs, Config.PayloadBytes);
            }
            r.SentNs = sentNs;
            _lastSentNs = sentNs;
            return length;
        }
    }

    /// <summary>
    /// Hands the session a received message with its receive timestamp (monotonic ns). Pongs for this run are
    /// matched by seq; everything else is counted and dropped. Never throws on bad input.
    /// </summary>
    public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
    {
        bool reflected = false;
        if (!PingCodec.TryReadPong(message, out var pong))
        {
            if (!_reflected || !PingCodec.TryReadPing(message, out var ping))
            {
                Interlocked.Increment(ref _malformed);
                return;
            }

            pong = new PongFields(ping.RunId, ping.Seq, ping.SentNs, 0, 0, 0, ping.PadLength);
            reflected = true;
        }
        if (pong.RunId != RunId)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }
        if (pong.Seq < 0)
        {
            Interlocked.Increment(ref _probeAnswers);
            return;
        }
        lock (_gate)
        {
            if (_finished || pong.Seq >= _nextSeq)
            {
                _unknownSeq++;
                return;
            }
            ref PingRecord r = ref _records[(int)pong.Seq];
            // The echoed timestamp must be the one we sent (to the ns precision of the wire format).
            if (Math.Abs(pong.SentNs - r.SentNs) > 1)
            {
                _unknownSeq++;
                return;
            }
            if (r.Answered)
            {
                r.Duplicates++;
                _duplicates++;
                return;
            }
            r.ReceivedNs = receivedNs;
            r.EchoRxNs = pong.EchoRxNs;
            r.EchoTxNs = pong.EchoTxNs;
            r.EchoWallAnchorUs = pong.EchoWallAnchorUs;
            r.Reflected = reflected;
            r.Status = r.IsWarmup ? PingStatus.Warmup
                : receivedNs - r.SentNs > _deadlineNs ? PingStatus.Late
                : PingStatus.Ok;
            _answered++;
            if (receivedNs - r.SentNs > _maxRttNs)
            {
                _maxRttNs = receivedNs - r.SentNs;
            }
            if (pong.Seq > _lastAnsweredSeq)
            {
                _lastAnsweredSeq = (int)pong.Seq;
            }
            CountLive(ref r, (int)pong.Seq);
        }
    }

    private void CountLive(ref PingRecord r, int seq)
    {
        if (r.Status == PingStatus.Ok)
        {
            _liveOk++;
            _liveRtt.Record(r.ReceivedNs - r.SentNs);
        }
        else if (r.Status == PingStatus.Late)
        {
            _liveLate++;
            if (seq < _overdueCursor)
            {
                _overdue--; // counted as overdue when its deadline passed; it is late, not lost
            }
        }
    }

    /// <summary>
    /// What has been measured so far at <paramref name="nowNs"/>, for progress displays: cheap (no allocation, work
    /// proportional to the pings whose deadline passed since the last call) and safe while pings are in flight.
    /// </summary>
    public PingProgress Progress(long nowNs)
    {
        lock (_gate)
        {
            int warmup = Config.Warmup;
            _overdueCursor = Math.Max(_overdueCursor, Math.Min(warmup, _nextSeq));
            while (_overdueCursor < _nextSeq && nowNs - _records[_overdueCursor].SentNs > _deadlineNs)
            {
                if (!_records[_overdueCursor].Answered)
                {
                    _overdue++;
                }
                _overdueCursor++;
            }
            long lastDue = _records.Length == 0 ? _startNs : _records[^1].ScheduledNs;
            long sendingLeft = _nextSeq < _records.Length && !_stopped ? Math.Max(0, lastDue - nowNs) : 0;
            return new PingProgress(
                Sent: _nextSeq,
                Total: _records.Length,
                Answered: _answered,
                Decided: _liveOk + _liveLate + _overdue,
                Lost: _overdue,
                P50Us: _liveRtt.MedianUs(),
                ElapsedNs: Math.Max(0, nowNs - _startNs),
                SendingLeftNs: sendingLeft);
        }
    }

    /// <summary>
    /// Stops sending (e.g. on Ctrl-C): no further ping is due; pings already sent may still be answered until
    /// their deadline, and unsent ones become <see cref="PingStatus.NotSent"/> at <see cref="Finish"/>.
    /// </summary>
    public void StopSending()
    {
        lock (_gate)
        {
            _stopped = true;
        }
    }

    /// <summary>True when sending stopped before the schedule's end.</summary>
    public bool StoppedEarly
    {
        get
        {
            lock (_gate)
            {
                return _stopped && _nextSeq < _records.Length;
            }
        }
    }

    /// <summary>
    /// True once sending is over (every ping sent, or sending stopped) and either every sent ping is answered or
    /// the late window has closed: one more deadline after the last ping's own deadline (2 × deadline after the
    /// last send). Answers inside that window are recorded as late; anything later is lost.
    /// </summary>
    public bool IsComplete(long nowNs)
    {
        lock (_gate)
        {
            if (_nextSeq < _records.Length && !_stopped)
            {
                return false;
            }
            return _answered == _nextSeq || nowNs - _lastSentNs > 2 * _deadlineNs;
        }
    }

    /// <summary>When the late window closes (last send + 2 × deadline), or MaxValue while pings remain to send.</summary>
    public long FinalDeadlineNs
    {
        get
        {
            lock (_gate)
            {
                return _nextSeq < _records.Length && !_stopped ? long.MaxValue : _lastSentNs + 2 * _deadlineNs;
            }
        }
    }

    /// <summary>
    /// Since when the echo has been silent: the send time (monotonic ns) of the first ping sent after the last
    /// answered one, all of which are unanswered; <see cref="long.MaxValue"/> when no such ping is out. A driver
    /// that sees this far enough in the past checks whether the echo is still there.
    /// </summary>
    public long SilentSinceNs
    {
        get
        {
            lock (_gate)
            {
                int first = _lastAnsweredSeq + 1;
                return first < _nextSeq ? _records[first].SentNs : long.MaxValue;
            }
        }
    }

    /// <summary>The longest RTT (ns) of any answered ping so far, warm-ups and late ones included; 0 before the first.</summary>
    public long MaxRttNs
    {
        get
        {
            lock (_gate)
            {
                return _maxRttNs;
            }
        }
    }

    /// <summary>
    /// Ends the session: unanswered pings that were sent become lost (warm-ups stay warm-ups), unsent ones
    /// become not-sent. Idempotent.
    /// </summary>
    public void Finish() => Finish(echoLost: false, reliableChannel: false);

    /// <summary>
    /// Ends the session because the echo was found gone (DESIGN §4b). The echo answered the last answered ping, so
    /// it was alive when that ping was sent; after that its liveness is unknown. So every unanswered ping sent after
    /// the last answered one becomes <see cref="PingStatus.Abandoned"/>; unanswered pings sent before it stay
    /// <see cref="PingStatus.Lost"/> (the network lost them while the echo was there), except on a reliable channel,
    /// which cannot lose a ping: there every unanswered ping is abandoned. Warm-ups stay warm-ups, unsent pings
    /// become not-sent. A no-op when the session is already finished.
    /// </summary>
    /// <param name="reliableChannel">True for a reliable (retransmitted) channel.</param>
    public void FinishEchoLost(bool reliableChannel) => Finish(echoLost: true, reliableChannel);

    private void Finish(bool echoLost, bool reliableChannel)
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }
            _finished = true;
            for (int i = 0; i < _records.Length; i++)
            {
                ref PingRecord r = ref _records[i];
                if (r.Status != PingStatus.Pending)
                {
                    continue;
                }
                r.Status = i >= _nextSeq ? PingStatus.NotSent
                    : r.IsWarmup ? PingStatus.Warmup
                    : echoLost && (reliableChannel || i > _lastAnsweredSeq) ? PingStatus.Abandoned
                    : PingStatus.Lost;
            }
        }
    }

    /// <summary>The records of every ping; complete only after <see cref="Finish"/>.</summary>
    public ReadOnlySpan<PingRecord> Records
    {
        get
        {
            if (!_finished)
            {
                throw new InvalidOperationException("Call Finish() before reading the records.");
            }
            return _records;
        }
    }

    public SessionCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return new SessionCounters
                {
                    Malformed = Interlocked.Read(ref _malformed),
                    ForeignRun = Interlocked.Read(ref _foreign),
                    UnknownSeq = _unknownSeq,
                    Duplicates = _duplicates,
                    ProbeAnswers = Interlocked.Read(ref _probeAnswers),
                };
            }
        }
    }
}

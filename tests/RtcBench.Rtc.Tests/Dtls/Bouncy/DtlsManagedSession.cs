using System.Buffers;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The thin shell that lets <see cref="DtlsSession"/> run the sans-IO <see cref="DtlsManagedEngine"/>
/// (<see cref="DtlsEngine.Managed"/>): one lock around the engine, a <see cref="TimeProvider"/> timer for its
/// deadline, and the session's events. No thread of its own: the engine runs on whoever calls in (the socket's receive
/// thread, a sender, the timer). After every input all output is drained under the lock: events and data handlers run
/// there, in arrival order (as with the BouncyCastle path's managed record layer), and the lock is re-entrant, so a
/// handler may <see cref="Send"/> (an echo).
/// <para>Datagrams are never sent under the lock. The drain copies them (pooled) into an outbox, in the engine's
/// order; after releasing the lock the caller sends them, unless another caller is already sending, which then sends
/// these too. So the outgoing-datagram callback is still never called concurrently and keeps the engine's order, and
/// a callback that delivers synchronously into a peer session whose own timer thread is sending back into us cannot
/// deadlock (each thread holds at most the lock of the session it is inside; none is held across a send).</para>
/// </summary>
internal sealed class DtlsManagedSession : IDisposable
{
    private const int MaxBeforeStart = 16;

    /// <summary>Datagrams drained but not yet sent; beyond this (a stalled sender) they are dropped and counted.</summary>
    internal const int OutboxCapacity = 1024;

    private readonly Lock _lock = new();
    private readonly DtlsManagedEngine _engine;
    private readonly DtlsBytesHandler _sendDatagram;
    private readonly DtlsTimedBytesHandler _onData;
    private readonly Action<DtlsCloseReason> _onClosed;
    private readonly TimeProvider _time;
    private readonly RtcDeadlineTimer _timer;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<(byte[] Datagram, long ReceivedNs)> _beforeStart = new();
    private DtlsSessionState _state = DtlsSessionState.New;
    private long _receivedNs;
    private bool _closedRaised;

    // Guarded by _lock: the drained datagrams (pooled copies, in order) and whether a caller is sending them.
    private readonly Queue<(byte[] Buffer, int Length)> _outbox = new();
    private bool _sending;
    private long _outboxDropped;

    internal DtlsManagedSession(DtlsSessionOptions options, TimeProvider time, DtlsBytesHandler sendDatagram, DtlsTimedBytesHandler onData, Action<DtlsCloseReason> onClosed)
    {
        _engine = DtlsManagedEngine.Create(options);
        _sendDatagram = sendDatagram;
        _onData = onData;
        _onClosed = onClosed;
        _time = time;
        _timer = new RtcDeadlineTimer(_time, NowNs, static s => ((DtlsManagedSession)s!).OnTimer(), this);
    }

    internal DtlsSessionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    internal DtlsManagedEngine Engine => _engine;

    internal Exception? Fault { get; private set; }

    internal Task HandshakeAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_state != DtlsSessionState.New)
            {
                throw new InvalidOperationException($"HandshakeAsync can be called once, on a new session (state {_state}).");
            }

            _state = DtlsSessionState.Handshaking;
            _engine.Start(NowNs());
            Drain();
            while (_state == DtlsSessionState.Handshaking && _beforeStart.TryDequeue(out var early))
            {
                _receivedNs = early.ReceivedNs;
                _engine.HandleDatagram(NowNs(), early.Datagram);
                Drain();
            }
        }

        SendOutbox();
        return WaitAsync(cancellationToken);
    }

    internal void HandleDatagram(ReadOnlySpan<byte> datagram, long receivedNs)
    {
        lock (_lock)
        {
            if (_state == DtlsSessionState.New)
            {
                // The peer can be first (its ClientHello before our HandshakeAsync): keep a few, as the BouncyCastle path queues them.
                if (_beforeStart.Count < MaxBeforeStart)
                {
                    _beforeStart.Enqueue((datagram.ToArray(), receivedNs));
                }

                return;
            }

            _receivedNs = receivedNs;
            _engine.HandleDatagram(NowNs(), datagram);
            Drain();
        }

        SendOutbox();
    }

    internal void Send(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_state != DtlsSessionState.Connected)
            {
                throw new InvalidOperationException($"The DTLS session is not connected (state {_state}).");
            }

            _engine.Send(data);
            Drain();
        }

        SendOutbox();
    }

    internal void Close()
    {
        lock (_lock)
        {
            if (_state == DtlsSessionState.New)
            {
                _state = DtlsSessionState.Closed;
                return;
            }

            _engine.Close();
            Drain();
        }

        SendOutbox();
    }

    public void Dispose()
    {
        Close();
        _timer.Dispose();
        lock (_lock)
        {
            _engine.Dispose();
        }
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var onCancel = cancellationToken.UnsafeRegister(static s => ((DtlsManagedSession)s!).Close(), this);
        await _handshake.Task.ConfigureAwait(false);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            _timer.Fired();
            if (_state is DtlsSessionState.Handshaking or DtlsSessionState.Connected)
            {
                _engine.HandleTimeout(NowNs());
                Drain();
            }
        }

        SendOutbox();
    }

    /// <summary>Datagrams drained but dropped because the outbox was full (<see cref="OutboxCapacity"/>).</summary>
    internal long OutboxDropped => Interlocked.Read(ref _outboxDropped);

    /// <summary>
    /// Not under the lock: sends the outbox in order, unless this thread still holds the lock (a handler's
    /// <see cref="Send"/>; the outer call sends once it has released it) or another caller is sending (it sends ours
    /// too: it checks the outbox under the lock before it stops). Pooled buffers go back after each send.
    /// </summary>
    private void SendOutbox()
    {
        if (_lock.IsHeldByCurrentThread)
        {
            return;
        }

        lock (_lock)
        {
            if (_sending || _outbox.Count == 0)
            {
                return;
            }

            _sending = true;
        }

        try
        {
            while (true)
            {
                (byte[] Buffer, int Length) next;
                lock (_lock)
                {
                    if (!_outbox.TryDequeue(out next))
                    {
                        _sending = false;
                        return;
                    }
                }

                try
                {
                    _sendDatagram(next.Buffer.AsSpan(0, next.Length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(next.Buffer);
                }
            }
        }
        catch
        {
            // The callback threw: stop sending (what is left goes with the next caller) and let the caller see it.
            lock (_lock)
            {
                _sending = false;
            }

            throw;
        }
    }

    /// <summary>Under the lock: a pooled copy of one datagram to transmit, queued behind the others.</summary>
    private void Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (_outbox.Count >= OutboxCapacity)
        {
            Interlocked.Increment(ref _outboxDropped);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        _outbox.Enqueue((buffer, datagram.Length));
    }

    /// <summary>Under the lock: everything the engine has to say (datagrams into the outbox), then the timer for its next deadline.</summary>
    private void Drain()
    {
        while (true)
        {
            var output = _engine.PollOutput();
            switch (output.Kind)
            {
                case DtlsOutputKind.Transmit:
                    Enqueue(output.Data.Span);
                    break;
                case DtlsOutputKind.Connected:
                    _state = DtlsSessionState.Connected;
                    _handshake.TrySetResult();
                    break;
                case DtlsOutputKind.Failed:
                    _state = DtlsSessionState.Failed;
                    _handshake.TrySetException(new DtlsHandshakeException(_engine.FailureReason!.Value, _engine.FailureMessage!,
                        _engine.FailureAlert));
                    break;
                case DtlsOutputKind.Data:
                    Deliver(output.Data.Span);
                    break;
                case DtlsOutputKind.Closed:
                    RaiseClosed(_engine.CloseReason!.Value);
                    break;
                default:
                    _timer.Arm(output.TimeoutNs);
                    return;
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> data)
    {
        if (_state != DtlsSessionState.Connected)
        {
            return;
        }

        try
        {
            _onData(data, _receivedNs);
        }
        catch (Exception e)
        {
            // A throwing handler ends the session with Error (close_notify sent), as on the BouncyCastle path.
            Fault = e;
            RaiseClosed(DtlsCloseReason.Error);
            _engine.Close();
        }
    }

    private void RaiseClosed(DtlsCloseReason reason)
    {
        _state = DtlsSessionState.Closed;
        if (!_closedRaised)
        {
            _closedRaised = true;
            _onClosed(reason);
        }
    }

    private long NowNs() => (long)(_time.GetTimestamp() * (1e9 / _time.TimestampFrequency));
}

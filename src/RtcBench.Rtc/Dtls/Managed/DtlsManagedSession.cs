namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The thin shell that lets <see cref="DtlsSession"/> run the sans-IO <see cref="DtlsManagedEngine"/>
/// (<see cref="DtlsEngine.Managed"/>): one lock around the engine, a <see cref="TimeProvider"/> timer for its
/// deadline, and the session's events. No thread of its own: the engine runs on whoever calls in (the socket's receive
/// thread, a sender, the timer). After every input all output is drained under the lock, so the outgoing-datagram
/// callback is never called concurrently and data handlers run in arrival order (as with the BouncyCastle path's
/// managed record layer). The lock is re-entrant: a handler may <see cref="Send"/> (an echo).
/// </summary>
internal sealed class DtlsManagedSession : IDisposable
{
    private const int MaxBeforeStart = 16;

    private readonly Lock _lock = new();
    private readonly DtlsManagedEngine _engine;
    private readonly DtlsBytesHandler _sendDatagram;
    private readonly DtlsTimedBytesHandler _onData;
    private readonly Action<DtlsCloseReason> _onClosed;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<(byte[] Datagram, long ReceivedNs)> _beforeStart = new();
    private DtlsSessionState _state = DtlsSessionState.New;
    private long _armedForNs = long.MaxValue;
    private long _receivedNs;
    private bool _closedRaised;

    internal DtlsManagedSession(DtlsSessionOptions options, DtlsBytesHandler sendDatagram, DtlsTimedBytesHandler onData, Action<DtlsCloseReason> onClosed)
    {
        _engine = DtlsManagedEngine.Create(options);
        _sendDatagram = sendDatagram;
        _onData = onData;
        _onClosed = onClosed;
        _time = options.TimeProvider;
        _timer = _time.CreateTimer(static s => ((DtlsManagedSession)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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
            _armedForNs = long.MaxValue;
            if (_state is DtlsSessionState.Handshaking or DtlsSessionState.Connected)
            {
                _engine.HandleTimeout(NowNs());
                Drain();
            }
        }
    }

    /// <summary>Under the lock: everything the engine has to say, then the timer for its next deadline.</summary>
    private void Drain()
    {
        while (true)
        {
            var output = _engine.PollOutput();
            switch (output.Kind)
            {
                case DtlsOutputKind.Transmit:
                    _sendDatagram(output.Data.Span);
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
                    Arm(output.TimeoutNs);
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

    private void Arm(long deadlineNs)
    {
        if (deadlineNs == _armedForNs)
        {
            return;
        }

        _armedForNs = deadlineNs;
        if (deadlineNs == long.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long delayNs = Math.Max(0, deadlineNs - NowNs());
        _timer.Change(TimeSpan.FromTicks(Math.Max(1, delayNs / 100)), Timeout.InfiniteTimeSpan);
    }

    private long NowNs() => (long)(_time.GetTimestamp() * (1e9 / _time.TimestampFrequency));
}

using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;

namespace RtcBench.Rtc.Peer;

/// <summary>The event loop, the socket side, ICE and DTLS glue of <see cref="PeerConnection"/>.</summary>
public sealed partial class PeerConnection
{
    private IceAgent? _iceAgent;
    private IceLiteResponder? _iceLite;
    private DtlsSession? _dtls;
    private volatile IPEndPoint? _selected;
    private volatile bool _liteFollowsData;
    private long _startedNs;
    private long _iceConnectedNs;
    private long _dtlsConnectedNs;
    private long _sctpConnectedNs;
    private long _iceDeadlineNs = RtcTime.Never;
    private long _armedNs = RtcTime.Never;
    private bool _stopped;
    private bool _timerFired;
    private long _dropped;
    private long _callbackErrors;

    /// <summary>
    /// DTLS that arrived before ICE selected a pair. A full controlled agent selects only when its own check on the
    /// nominated pair succeeds, which can be just after the controlling peer, already selected, sent its ClientHello;
    /// dropping that would cost a DTLS retransmission (1 s). Bounded; replayed or dropped on selection.
    /// </summary>
    private const int MaxEarlyDtls = 4;

    private readonly Queue<PeerInput> _earlyDtls = new();

    /// <summary>At most this many host endpoints other than the selected one whose DTLS the receive thread delivers.</summary>
    private const int MaxOtherDataPaths = 4;

    /// <summary>
    /// Full ICE: remote endpoints, besides the selected one, whose DTLS the loop accepted (a valid pair other than the
    /// selected one: <see cref="IceAgent.AcceptsData"/>); copy-on-write, so the receive thread delivers their next
    /// datagrams straight to the session too.
    /// </summary>
    private volatile IPEndPoint[] _otherDataPaths = [];

    /// <summary>Receive thread: STUN goes to the loop (with its receive time); from our TURN server, to its client.</summary>
    void IRtcDatagramHandler.OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) =>
        PostDatagram(from.Equals(_turnServer) ? PeerInputKind.Turn : PeerInputKind.Stun, datagram, from, receivedNs);

    /// <summary>
    /// Receive thread: DTLS from the selected remote goes straight to the DTLS session (it only enqueues), keeping the
    /// socket's receive time; anything else takes the loop, which decides once earlier STUN input is processed.
    /// </summary>
    void IRtcDatagramHandler.OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        var dtls = Volatile.Read(ref _dtls);
        if (dtls is not null && ((IsSelectedPath(from, relayed: false) && (_iceLite is null || _liteFollowsData)) || IsOtherDataPath(from)))
        {
            dtls.HandleDatagram(datagram, receivedNs);
            return;
        }

        PostDatagram(PeerInputKind.Dtls, datagram, from, receivedNs);
    }

    /// <summary>Runs <paramref name="action"/> on the loop. False when the loop has ended (or its queue is full).</summary>
    internal bool Post(Action action) => _inputs.Writer.TryWrite(PeerInput.Control(action));

    internal bool PostSend(DataChannel channel, uint ppid, ReadOnlySpan<byte> body)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(body.Length);
        body.CopyTo(buffer);
        if (_inputs.Writer.TryWrite(PeerInput.Send(channel, buffer, body.Length, ppid)))
        {
            return true;
        }

        ArrayPool<byte>.Shared.Return(buffer);
        return false;
    }

    private void PostDatagram(PeerInputKind kind, ReadOnlySpan<byte> datagram, IPEndPoint? from, long receivedNs)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        if (!_inputs.Writer.TryWrite(PeerInput.Datagram(kind, buffer, datagram.Length, from, receivedNs)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _dropped);
        }
    }

    private void OnTimer() => _inputs.Writer.TryWrite(PeerInput.Wake);

    private void StartLoop()
    {
        _startedNs = _clock();
        SetState(PeerConnectionState.Connecting);
        EnsureLoop();
    }

    /// <summary>Starts the loop if it is not running: when connecting starts, or earlier to gather a relay candidate.</summary>
    private void EnsureLoop()
    {
        lock (_pendingLocal)
        {
            _loop ??= Task.Run(RunLoopAsync);
        }
    }

    private async Task RunLoopAsync()
    {
        var reader = _inputs.Reader;
        try
        {
            AdoptPendingChannels();
            while (!_stopped && await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (!_stopped && reader.TryRead(out var input))
                {
                    Process(input);
                }

                if (!_stopped)
                {
                    Service();
                }
            }
        }
        catch (Exception e)
        {
            End(PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Internal, PeerFailureReason.Internal, e.GetType().Name + ": " + e.Message));
        }
        finally
        {
            ReleaseResources();
        }
    }

    private void Process(in PeerInput input)
    {
        long now = _clock();
        switch (input.Kind)
        {
            case PeerInputKind.Stun:
                HandleStun(now, input);
                break;
            case PeerInputKind.Turn:
                HandleTurnDatagram(input);
                ArrayPool<byte>.Shared.Return(input.Buffer!);
                break;
            case PeerInputKind.Dtls:
                if (_dtls is { } dtls && (_iceLite is { } lite ? AcceptLiteDtls(now, lite, input.From!) : AcceptsDtls(input.From!, input.Relayed)))
                {
                    dtls.HandleDatagram(input.Buffer.AsSpan(0, input.Length), input.Ns);
                }
                else if (_selected is null && _earlyDtls.Count < MaxEarlyDtls)
                {
                    _earlyDtls.Enqueue(input); // Kept (with its buffer) until ICE selects: see ReplayEarlyDtls.
                    break;
                }
                else
                {
                    Interlocked.Increment(ref _dropped);
                }

                ArrayPool<byte>.Shared.Return(input.Buffer!);
                break;
            case PeerInputKind.SctpPacket:
                HandleSctpPacket(now, input);
                break;
            case PeerInputKind.Send:
                HandleSend(input);
                break;
            case PeerInputKind.Wake:
                _timerFired = true;
                break;
            case PeerInputKind.Control:
                input.Action!();
                break;
        }
    }

    /// <summary>After every batch of inputs: timers, output, phase deadlines, re-arming the wake-up timer.</summary>
    private void Service()
    {
        long now = _clock();
        if (_iceAgent is { } agent)
        {
            if (now >= agent.NextTimeoutNs)
            {
                agent.HandleTimeout(now);
            }

            DrainIce(agent);
        }
        else if (_iceLite is { } lite)
        {
            if (now >= lite.NextTimeoutNs)
            {
                lite.HandleTimeout(now);
            }

            DrainIce(lite);
        }

        ServiceTurn(now);
        ServiceSctp(now);
        if (_stopped)
        {
            return;
        }

        if (now >= _iceDeadlineNs)
        {
            Fail(PeerPhase.Ice, PeerFailureReason.IceTimeout, $"no ICE connectivity check succeeded within {_options.IceTimeout.TotalSeconds:0.###} s");
            return;
        }

        long next = Math.Min(_iceDeadlineNs, Math.Min(_iceAgent?.NextTimeoutNs ?? RtcTime.Never, _iceLite?.NextTimeoutNs ?? RtcTime.Never));
        next = Math.Min(next, NextSctpDeadline());
        next = Math.Min(next, NextTurnDeadline());
        Arm(now, next);
    }

    private void Arm(long now, long deadline)
    {
        // Skip re-arming only while the timer is still pending for this very deadline. A one-shot timer that fired
        // (possibly a little early: it has ms resolution) must be re-armed even for the same deadline.
        if (deadline == _armedNs && !_timerFired)
        {
            return;
        }

        _armedNs = deadline;
        _timerFired = false;
        if (deadline == RtcTime.Never)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long wait = Math.Max(0, deadline - now);
        // Timers fire late rather than early; round up to whole ms so a wake-up never lands just before its deadline.
        _timer.Change(TimeSpan.FromMilliseconds(Math.Ceiling(wait / 1e6)), Timeout.InfiniteTimeSpan);
    }

    private void HandleStun(long now, in PeerInput input)
    {
        var datagram = input.Buffer.AsSpan(0, input.Length);
        if (_iceAgent is { } agent)
        {
            agent.HandleDatagram(now, datagram, input.From!);
            DrainIce(agent);
        }
        else if (_iceLite is { } lite)
        {
            lite.HandleDatagram(now, datagram, input.From!);
            DrainIce(lite);
        }

        ArrayPool<byte>.Shared.Return(input.Buffer!);
    }

    private void DrainIce(IceAgent agent)
    {
        while (agent.TryPollEvent(out var e))
        {
            OnIceEvent(e);
        }

        while (agent.TryPollTransmit(out var t))
        {
            if (t.Local == IceAgent.HostCandidate)
            {
                SendStun(t.Payload, t.Destination);
            }
            else if (_turn is { } turn && turn.Send(t.Destination, t.Payload))
            {
                DrainTurn();
            }
        }
    }

    private void DrainIce(IceLiteResponder lite)
    {
        // Events first: a selection must be in place before the response that lets the peer start DTLS goes out.
        while (lite.TryPollEvent(out var e))
        {
            OnIceEvent(e);
        }

        while (lite.TryPollTransmit(out var t))
        {
            SendStun(t.Payload, t.Destination);
        }
    }

    /// <summary>
    /// An ICE message from our host candidate. On a shared socket a check (Binding request) or a success response
    /// claims the destination first, so that its answer, and then its DTLS, is routed to us (a success response
    /// answers a request that passed MESSAGE-INTEGRITY with our password). Error responses claim nothing.
    /// </summary>
    private const ushort BindingRequest = 0x0001;
    private const ushort BindingSuccess = 0x0101;

    private void SendStun(ReadOnlySpan<byte> payload, IPEndPoint destination)
    {
        if (payload.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(payload) is BindingRequest or BindingSuccess)
        {
            _socket.Claim(destination);
        }

        _socket.SendTo(payload, destination);
    }

    private void OnIceEvent(IceEvent e)
    {
        if (_stopped)
        {
            return;
        }

        switch (e.Kind)
        {
            case IceEventKind.Selected:
                RouteSelected(e.Endpoint!, e.Local);
                _selected = e.Endpoint;
                bool relayed = _relayRoute is not null;
                SelectedPair = new CandidatePairInfo(relayed ? _turn!.RelayedAddress! : _socket.LocalEndPoint, e.Endpoint!,
                    RemoteCandidateType(e.Endpoint!), e.Nominated || _iceAgent is not null, relayed ? "relay" : "host");
                if (_iceConnectedNs == 0)
                {
                    _iceConnectedNs = _clock();
                    _iceDeadlineNs = RtcTime.Never;
                    if (_dtls is null)
                    {
                        StartDtls();
                    }
                }

                ReplayEarlyDtls();
                break;
            case IceEventKind.ConsentExpired:
                Fail(PeerPhase.Consent, PeerFailureReason.ConsentExpired, $"consent expired: no answer from {e.Endpoint} for {_options.ConsentTimeout.TotalSeconds:0.###} s");
                break;
            case IceEventKind.Failed:
                Fail(PeerPhase.Ice, PeerFailureReason.IceFailed, e.Reason ?? "ICE failed");
                break;
        }
    }

    /// <summary>
    /// Loop: whether DTLS from <paramref name="from"/> is ours when we are ICE-lite. Before nomination a full peer
    /// with several candidates checks from all of them and sends its ClientHello on whichever pair succeeded first
    /// (werift nominates a lite peer only ~5 s later): DTLS from any endpoint with a succeeded check is accepted and
    /// the selection (where our DTLS goes) follows it. Until the first is accepted, DTLS from the selected endpoint
    /// also takes this path, so that later checks from other endpoints no longer move the selection.
    /// </summary>
    private bool AcceptLiteDtls(long now, IceLiteResponder lite, IPEndPoint from)
    {
        if (!lite.AcceptData(now, from))
        {
            return false;
        }

        DrainIce(lite);
        _liteFollowsData = true;
        return true;
    }

    /// <summary>
    /// Loop, full ICE (or none): whether DTLS from <paramref name="from"/> is ours. The selected pair, or any other pair
    /// the agent holds valid (RFC 8445 §12.2: receive on any valid pair, send on the selected one): werift as the
    /// controlling agent sends on the first pair its own check found working, which need not be the pair we selected.
    /// A host endpoint accepted this way joins <see cref="_otherDataPaths"/> for the receive thread.
    /// </summary>
    private bool AcceptsDtls(IPEndPoint from, bool relayed)
    {
        if (IsSelectedPath(from, relayed))
        {
            return true;
        }

        int local = relayed ? _relayLocal : IceAgent.HostCandidate;
        if (_iceAgent is not { } agent || local < 0 || !agent.AcceptsData(from, local))
        {
            return false;
        }

        var known = _otherDataPaths;
        if (!relayed && known.Length < MaxOtherDataPaths && Array.IndexOf(known, from) < 0)
        {
            _otherDataPaths = [.. known, new IPEndPoint(from.Address, from.Port)];
        }

        return true;
    }

    /// <summary>Receive thread: whether <paramref name="from"/> is a host endpoint the loop already accepted DTLS from.</summary>
    private bool IsOtherDataPath(IPEndPoint from)
    {
        foreach (var path in _otherDataPaths)
        {
            if (path.Equals(from))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Loop, on selection: early DTLS from a valid pair goes to the session, with its receive time.</summary>
    private void ReplayEarlyDtls()
    {
        while (_earlyDtls.TryDequeue(out var early))
        {
            if (_dtls is { } dtls && (_iceLite is null ? AcceptsDtls(early.From!, early.Relayed) : IsSelectedPath(early.From!, early.Relayed)))
            {
                dtls.HandleDatagram(early.Buffer.AsSpan(0, early.Length), early.Ns);
            }
            else
            {
                Interlocked.Increment(ref _dropped);
            }

            ArrayPool<byte>.Shared.Return(early.Buffer!);
        }
    }

    private string RemoteCandidateType(IPEndPoint endpoint)
    {
        foreach (var candidates in new[] { _remote!.Candidates.AsEnumerable(), _trickled })
        {
            foreach (var c in candidates)
            {
                if (c.Port == endpoint.Port && c.TryGetIPAddress(out var a) && a!.Equals(endpoint.Address))
                {
                    return Sdp.IceCandidateLine.FormatType(c.Type);
                }
            }
        }

        return "prflx";
    }

    private void StartDtls()
    {
        var dtls = new DtlsSession(
            new DtlsSessionOptions
            {
                Role = DtlsRole!.Value,
                Certificate = _certificate,
                RemoteFingerprint = _remoteFingerprint!,
                HandshakeTimeout = _options.DtlsTimeout,
                TimeProvider = _options.TimeProvider,
            },
            SendDtlsDatagram);
        dtls.DataReceivedAt += OnDtlsData;
        dtls.Closed += (_, reason) => Post(() => OnDtlsClosed(reason));
        Volatile.Write(ref _dtls, dtls);
        dtls.HandshakeAsync(CancellationToken.None).ContinueWith(
            t => Post(() => OnDtlsHandshakeDone(t)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>DTLS thread (or a sender under the DTLS send lock): one datagram to the selected remote.</summary>
    private void SendDtlsDatagram(ReadOnlySpan<byte> datagram)
    {
        if (_relayRoute is { } route)
        {
            SendThroughRelay(route, datagram);
        }
        else if (_selected is { } to)
        {
            _socket.SendTo(datagram, to);
        }
    }

    /// <summary>DTLS thread: a decrypted SCTP packet, with the receive time of the datagram that carried it.</summary>
    private void OnDtlsData(ReadOnlySpan<byte> packet, long receivedNs) =>
        PostDatagram(PeerInputKind.SctpPacket, packet, null, receivedNs);

    private void OnDtlsHandshakeDone(Task handshake)
    {
        if (_stopped)
        {
            return;
        }

        if (handshake.Exception?.InnerException is { } error)
        {
            if (error is DtlsHandshakeException { Reason: DtlsFailureReason.PeerClosed } closed)
            {
                End(PeerConnectionState.Closed, PeerOutcome.Failure(PeerPhase.PeerClosed, PeerFailureReason.DtlsPeerClosed, $"{closed.Reason}: {closed.Message}")
                    with { DtlsFailure = closed.Reason });
                return;
            }

            var dtlsFailure = (error as DtlsHandshakeException)?.Reason;
            string reason = dtlsFailure is { } typed ? $"{typed}: {error.Message}" : error.Message;
            End(PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Dtls, PeerFailureReason.DtlsHandshakeFailed, reason) with { DtlsFailure = dtlsFailure });
            return;
        }

        _dtlsConnectedNs = _clock();
        StartSctp();
    }

    private void OnDtlsClosed(DtlsCloseReason reason)
    {
        if (reason == DtlsCloseReason.Local || _stopped)
        {
            return;
        }

        var outcome = reason switch
        {
            DtlsCloseReason.PeerCloseNotify => PeerOutcome.Failure(PeerPhase.PeerClosed, PeerFailureReason.DtlsPeerClosed, "the peer closed DTLS (close_notify)"),
            DtlsCloseReason.PeerAlert when _dtls?.PeerFatalAlert is { } alert =>
                PeerOutcome.Failure(PeerPhase.Dtls, PeerFailureReason.DtlsPeerAlert, $"{reason}: peer sent fatal alert {DtlsSession.DescribeAlert(alert)}"),
            _ when _dtls?.Fault is { } fault => PeerOutcome.Failure(PeerPhase.Dtls, PeerFailureReason.DtlsError, $"{reason}: {fault.Message}"),
            _ => PeerOutcome.Failure(PeerPhase.Dtls, PeerFailureReason.DtlsEnded, $"DTLS ended: {reason}"),
        };
        End(reason == DtlsCloseReason.PeerCloseNotify ? PeerConnectionState.Closed : PeerConnectionState.Failed, outcome);
    }

    private void Fail(PeerPhase phase, PeerFailureReason cause, string reason) => End(PeerConnectionState.Failed, PeerOutcome.Failure(phase, cause, reason));

    /// <summary>Ends the connection once: tells the peer (ABORT, close_notify), closes channels, stops the loop.</summary>
    private void End(PeerConnectionState state, PeerOutcome outcome)
    {
        if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            return;
        }

        _stopped = true;
        if (_sctp is { IsTerminated: false } sctp && outcome.Phase is PeerPhase.LocalClose)
        {
            sctp.Abort("Close called");
            FlushSctp();
        }

        _dtls?.Close();
        ReleaseRelay();
        CloseAllChannels();
        _connected.TrySetResult(outcome);
        _ended.TrySetResult(outcome);
        SetState(state);
        _inputs.Writer.TryComplete();
    }

    private void SetState(PeerConnectionState state)
    {
        if (_state == state)
        {
            return;
        }

        _state = state;
        try
        {
            StateChanged?.Invoke(this, state);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _callbackErrors);
        }
    }

    private void ReleaseResources()
    {
        _inputs.Writer.TryComplete();
        _timer.Dispose();
        _dtls?.Dispose();
        _socket.Dispose();
        while (_earlyDtls.TryDequeue(out var early))
        {
            ArrayPool<byte>.Shared.Return(early.Buffer!);
        }

        while (_inputs.Reader.TryRead(out var left))
        {
            if (left.Buffer is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

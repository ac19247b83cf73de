using System.Buffers;
using System.Net;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Core;

/// <summary>
/// One WebRTC data-channel peer as a single sans-IO state machine (the str0m model): ICE (<see cref="IceAgent"/> or
/// <see cref="IceLiteResponder"/>), DTLS 1.2 (the managed engine, driven directly), SCTP (<see cref="SctpAssociation"/>)
/// and DCEP, composed. No threads, locks, clock reads, sockets or tasks: the caller owns the socket and the clock.
/// Give it inputs with <see cref="HandleInput"/> (a received datagram, a timeout, a send, a channel close, a remote
/// candidate, close) and <see cref="OpenChannel"/>; after each, drain <see cref="PollOutput"/> until it returns
/// <see cref="RtcOutputKind.Timeout"/>: transmits, events and the next deadline. Not thread-safe: one thread drives it.
/// </summary>
/// <remarks>
/// <para>Hot path, allocation-free once warm: a datagram in → (ICE data check, DTLS record decrypt, SCTP) → a
/// <see cref="RtcOutputKind.Message"/>; a send → (SCTP, DTLS record encrypt) → a <see cref="RtcOutputKind.Transmit"/>.
/// Outputs' bytes live in pooled buffers handed back on the next poll. An echo can call <see cref="HandleInput"/>
/// with a <see cref="RtcInput.Send"/> from inside its poll loop, on the thread that received the datagram.</para>
/// <para>Files: this one (inputs, outputs, the pump between the layers, terminal states), <c>.Channels</c> (the channel
/// table and DCEP).</para>
/// </remarks>
public sealed partial class RtcCore : IDisposable
{
    private const int MaxEarlyDtls = 4;
    private const int PlaintextScratchLength = 2048; // a 1200-byte MTU's records, with room; larger ones take the queue

    [ThreadStatic]
    private static byte[]? t_plaintext;

    private readonly RtcCoreOptions _options;
    private readonly IceAgent? _agent;
    private readonly IceLiteResponder? _lite;
    private readonly DtlsManagedEngine _dtls;
    private readonly Queue<(RtcOutput Output, byte[]? Rented)> _outputs = new();
    private readonly List<(IPEndPoint From, int Local, byte[] Datagram)> _earlyDtls = [];
    private readonly byte[] _sctpPacket;
    private SctpAssociation? _sctp;
    private byte[]? _lent;
    private IPEndPoint? _remote;
    private long _startNs;
    private long _receivedNs;
    private long _lastInputNs;
    private long _sctpDeadlineNs = RtcTime.Never;
    private bool _dtlsStarted;
    private bool _closeDtlsAfterFlush;
    private bool _sackDeferred; // a message went out ahead of its packet's SACK: CompleteDeferred before going idle
    private RtcCloseReason _pendingClose;

    public RtcCore(RtcCoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (options.IceMode == RtcIceMode.Lite)
        {
            _lite = new IceLiteResponder(options.LocalIce, options.RemoteIce, options.ConsentTimeoutNs);
        }
        else
        {
            _agent = new IceAgent(options.LocalIce, options.RemoteIce, options.RelayOnly ? WithoutHost(options.IceAgent) : options.IceAgent);
        }

        if (options.Turn is { } turn)
        {
            _turn = options.AdoptTurnClient ?? new TurnClient(turn.Server, turn.Credentials, turn.Client);
            _relayStatus = $"allocating on {turn.DisplayUrl}";
        }
        else
        {
            _relayStatus = "no TURN server given";
        }

        _dtls = DtlsManagedEngine.Create(new DtlsSessionOptions
        {
            Role = options.DtlsRole,
            Certificate = options.Certificate,
            RemoteFingerprint = options.RemoteFingerprint,
            HandshakeTimeout = RtcTime.ToTimeSpan(options.DtlsTimeoutNs),
            SrtpProfiles = options.SrtpProfiles,
        }, options.Mtu);
        _sctpPacket = new byte[_dtls.SendLimit];
    }

    public RtcCoreState State { get; private set; } = RtcCoreState.New;

    public RtcCoreOptions Options => _options;

    /// <summary>Why it failed, once <see cref="RtcCoreState.Failed"/>.</summary>
    public RtcFailureReason? Failure { get; private set; }

    /// <summary>How it closed, once <see cref="RtcCoreState.Closed"/>.</summary>
    public RtcCloseReason? CloseReason { get; private set; }

    /// <summary>What the failing layer said (diagnostics only; <see cref="Failure"/> is what to act on).</summary>
    public string? FailureDetail { get; private set; }

    /// <summary>The fatal DTLS alert involved in a DTLS failure (the peer's or ours), or null.</summary>
    public int? DtlsAlert { get; private set; }

    /// <summary>The remote endpoint ICE selected (where DTLS goes), or null.</summary>
    public IPEndPoint? RemoteEndpoint => _remote;

    /// <summary>Datagrams that were not ours: not STUN or DTLS, addressed elsewhere, DTLS from an endpoint ICE did not
    /// validate, malformed datagrams from the TURN server's address (also in <c>Turn.Malformed</c>), relayed data that
    /// was neither STUN nor DTLS of a valid pair, or anything after the end.</summary>
    public long DroppedDatagrams { get; private set; }

    /// <summary>The DTLS engine's counters (diagnostics and tests).</summary>
    internal DtlsManagedEngine Dtls => _dtls;

    /// <summary>The association, once DTLS is up (diagnostics and tests).</summary>
    internal SctpAssociation? Sctp => _sctp;

    public SctpStats? SctpStats => _sctp?.Stats;

    private bool Terminal => State is RtcCoreState.Closed or RtcCoreState.Failed;

    /// <summary>
    /// Handles one input at <paramref name="nowNs"/> (monotonic ns; for a received datagram, its receive time, which
    /// the message events it completes carry). Returns false for a datagram that was not ours and for a send that was
    /// refused (channel not open, send buffer full, message too large); true otherwise. Never throws on what a peer
    /// sends; throws <see cref="ArgumentException"/> for an unknown channel id.
    /// </summary>
    public bool HandleInput(long nowNs, in RtcInput input)
    {
        if (_sackDeferred)
        {
            // The previous datagram's SACK, before this input (an echo's send: before its DATA); what it lets SCTP
            // send goes out with this input's Pump.
            _sackDeferred = false;
            _sctp?.CompleteDeferredSack();
        }

        _lastInputNs = nowNs;
        if (State == RtcCoreState.New)
        {
            Start(nowNs);
        }

        bool result = true;
        switch (input.Kind)
        {
            case RtcInputKind.Receive:
                result = Receive(nowNs, input.Data, input.From!, input.To!);
                break;
            case RtcInputKind.Timeout:
                Timeout(nowNs);
                break;
            case RtcInputKind.Send:
                result = SendMessage(nowNs, input.Channel, input.Data, input.IsText);
                break;
            case RtcInputKind.CloseChannel:
                CloseChannel(nowNs, input.Channel);
                break;
            case RtcInputKind.AddRemoteCandidate:
                _agent?.AddRemoteCandidate(input.From!, input.Priority);
                PermitThroughRelay(nowNs, input.From!);
                break;
            case RtcInputKind.EndOfRemoteCandidates:
                _agent?.EndOfRemoteCandidates();
                break;
            case RtcInputKind.Close:
                Close(nowNs);
                break;
            default:
                throw new ArgumentException($"Unknown input kind {input.Kind}.", nameof(input));
        }

        Pump(nowNs);
        return result;
    }

    /// <summary>
    /// The next output: a datagram to send, an event, or (nothing pending) the next deadline. The bytes of the previous
    /// output go back to the pool here.
    /// </summary>
    public RtcOutput PollOutput()
    {
        if (_lent is { } lent)
        {
            _lent = null;
            ArrayPool<byte>.Shared.Return(lent);
        }

        if (_outputs.TryDequeue(out var next) || (ReleaseRelay() && _outputs.TryDequeue(out next))
            || (CompleteDeferred() && _outputs.TryDequeue(out next)))
        {
            _lent = next.Rented;
            return next.Output;
        }

        return new RtcOutput(RtcOutputKind.Timeout, timeoutNs: NextTimeoutNs);
    }

    /// <summary>When the next <see cref="RtcInput.Timeout"/> is due: now before the start, never once terminal.</summary>
    public long NextTimeoutNs
    {
        get
        {
            if (State == RtcCoreState.New)
            {
                return 0;
            }

            if (Terminal)
            {
                return RtcTime.Never;
            }

            long next = _agent?.NextTimeoutNs ?? _lite!.NextTimeoutNs;
            if (_lite is not null && _remote is null && !_dtlsStarted)
            {
                next = Math.Min(next, _startNs + _options.IceTimeoutNs);
            }

            next = Math.Min(next, _dtls.NextTimeoutNs);
            if (_sctp is { } sctp)
            {
                next = Math.Min(next, Math.Min(sctp.NextTimeoutNs, _sctpDeadlineNs));
            }

            return Math.Min(Math.Min(next, NextChannelDeadlineNs()), NextRelayTimeoutNs);
        }
    }

    public void Dispose()
    {
        if (_lent is { } lent)
        {
            _lent = null;
            ArrayPool<byte>.Shared.Return(lent);
        }

        _dtls.Dispose();
    }

    /// <summary>
    /// The work a received datagram left for after its messages were handed out (see DrainSctp): the SACK it carried,
    /// then whatever that lets SCTP send. True when there was some.
    /// </summary>
    private bool CompleteDeferred()
    {
        if (!_sackDeferred)
        {
            return false;
        }

        _sackDeferred = false;
        _sctp?.CompleteDeferredSack();
        Pump(_lastInputNs);
        return true;
    }

    private void Start(long nowNs)
    {
        _startNs = nowNs;
        State = RtcCoreState.Checking;
        _agent?.Start(nowNs);
        StartRelay(nowNs);
    }

    private bool Receive(long nowNs, ReadOnlySpan<byte> datagram, IPEndPoint from, IPEndPoint to)
    {
        if (Terminal || !IsLocal(to))
        {
            DroppedDatagrams++;
            return false;
        }

        if (_turn is not null && from.Equals(_turn.Server))
        {
            return ReceiveFromServer(nowNs, datagram);
        }

        switch (RtcDemux.Classify(datagram))
        {
            case RtcPacketKind.Stun:
                bool stun = _agent?.HandleDatagram(nowNs, datagram, from) ?? _lite!.HandleDatagram(nowNs, datagram, from);
                DrainIce(nowNs);
                return stun;
            case RtcPacketKind.Dtls:
                if (!_dtlsStarted)
                {
                    // The peer's ClientHello (or its answer) can come over a valid pair before our ICE selects one.
                    if (_earlyDtls.Count < MaxEarlyDtls)
                    {
                        _earlyDtls.Add((from, IceAgent.HostCandidate, datagram.ToArray()));
                        return true;
                    }

                    DroppedDatagrams++;
                    return false;
                }

                if (!AcceptsData(nowNs, from, IceAgent.HostCandidate))
                {
                    DroppedDatagrams++;
                    return false;
                }

                DrainIce(nowNs); // The lite responder moves its selection to where data comes from.
                _receivedNs = nowNs;
                if (_sctp is { } sctp)
                {
                    // Connected: a lone application-data record goes straight from the record layer to SCTP (no
                    // output queue in between, into a scratch buffer per thread: SCTP copies what it keeps).
                    var plaintext = t_plaintext ??= new byte[PlaintextScratchLength];
                    if (_dtls.TryOpenApplicationData(datagram, plaintext, out int length))
                    {
                        if (length >= 0)
                        {
                            sctp.HandleInputDeferringSack(nowNs, plaintext.AsSpan(0, length));
                        }

                        return true;
                    }
                }

                _dtls.HandleDatagram(nowNs, datagram);
                return true;
            default:
                DroppedDatagrams++;
                return false;
        }
    }

    /// <summary>RFC 8445 §12: data is taken from any valid pair (the lite responder: any endpoint with a recent valid check).</summary>
    private bool AcceptsData(long nowNs, IPEndPoint from, int local) =>
        _agent?.AcceptsData(from, local) ?? (local == IceAgent.HostCandidate && _lite!.AcceptData(nowNs, from));

    private bool IsLocal(IPEndPoint to)
    {
        var local = _options.LocalEndpoint;
        return ReferenceEquals(to, local) // a host passes the options' own endpoint
               || to.Port == local.Port
               && (to.Address.Equals(local.Address) || local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any));
    }

    private void Timeout(long nowNs)
    {
        if (Terminal)
        {
            return;
        }

        if (_agent is not null)
        {
            RelayTimeout(nowNs);
            if (Terminal)
            {
                return;
            }

            _agent.HandleTimeout(nowNs);
        }
        else
        {
            _lite!.HandleTimeout(nowNs);
            if (_remote is null && !_dtlsStarted && nowNs >= _startNs + _options.IceTimeoutNs)
            {
                Fail(RtcFailureReason.IceTimeout, "no valid ICE check arrived");
                return;
            }
        }

        DrainIce(nowNs);
        if (Terminal)
        {
            return;
        }

        _dtls.HandleTimeout(nowNs);
        if (_sctp is { } sctp)
        {
            sctp.HandleTimeout(nowNs);
            if (State == RtcCoreState.Associating && nowNs >= _sctpDeadlineNs)
            {
                sctp.Abort("not established in time"); // ABORT (when the peer's tag is known) tells a peer that got further
                Fail(RtcFailureReason.SctpTimeout, "the SCTP association was not established in time");
                return;
            }
        }

        ExpireChannelOpens(nowNs);
    }

    /// <summary>Moves everything between the layers until nothing moves: ICE → DTLS → SCTP → DTLS.</summary>
    private void Pump(long nowNs)
    {
        DrainIce(nowNs);
        DrainDtls(nowNs);
        DrainSctp(nowNs);
        DrainDtls(nowNs);
    }

    private void DrainIce(long nowNs)
    {
        if (_agent is not null)
        {
            while (_agent.TryPollTransmit(out var transmit))
            {
                if (transmit.Local == IceAgent.HostCandidate)
                {
                    EmitTransmit(transmit);
                }
                else if (!Terminal)
                {
                    SendIceThroughRelay(transmit);
                }
            }

            while (_agent.TryPollEvent(out var iceEvent))
            {
                OnIceEvent(nowNs, iceEvent);
            }
        }
        else
        {
            while (_lite!.TryPollTransmit(out var transmit))
            {
                EmitTransmit(transmit);
            }

            while (_lite.TryPollEvent(out var iceEvent))
            {
                OnIceEvent(nowNs, iceEvent);
            }
        }
    }

    private void EmitTransmit(Transmit transmit)
    {
        if (!Terminal)
        {
            // ICE payloads are fresh arrays (or a transaction's, resent as is): handed out without a copy.
            Emit(new RtcOutput(RtcOutputKind.Transmit, transmit.Payload, _options.LocalEndpoint, transmit.Destination));
        }
    }

    private void OnIceEvent(long nowNs, IceEvent iceEvent)
    {
        if (Terminal)
        {
            return;
        }

        switch (iceEvent.Kind)
        {
            case IceEventKind.Selected:
                RouteSelected(nowNs, iceEvent.Endpoint!, _agent is null ? IceAgent.HostCandidate : iceEvent.Local);
                _remote = iceEvent.Endpoint;
                if (!_dtlsStarted)
                {
                    Emit(new RtcOutput(RtcOutputKind.IceConnected, source: SelectedLocalEndpoint, destination: _remote));
                    StartDtls(nowNs);
                }

                break;
            case IceEventKind.ConsentExpired:
                Fail(RtcFailureReason.ConsentExpired, "ICE consent expired: the peer stopped answering");
                break;
            case IceEventKind.Failed:
                // The agent fails either at its connect timeout or, earlier, when every pair failed after end-of-candidates.
                bool timedOut = nowNs >= _startNs + _options.IceAgent.ConnectTimeoutNs;
                Fail(timedOut ? RtcFailureReason.IceTimeout : RtcFailureReason.IceFailed, iceEvent.Reason);
                break;
        }
    }

    private void StartDtls(long nowNs)
    {
        _dtlsStarted = true;
        State = RtcCoreState.Handshaking;
        _dtls.Start(nowNs);
        DrainDtls(nowNs);
        foreach (var (from, local, datagram) in _earlyDtls)
        {
            if (!Terminal && AcceptsData(nowNs, from, local))
            {
                _receivedNs = nowNs;
                _dtls.HandleDatagram(nowNs, datagram);
                DrainDtls(nowNs);
            }
            else
            {
                DroppedDatagrams++;
            }
        }

        _earlyDtls.Clear();
    }

    private void DrainDtls(long nowNs)
    {
        if (!_dtlsStarted)
        {
            return;
        }

        while (true)
        {
            var output = _dtls.PollOutput();
            switch (output.Kind)
            {
                case DtlsOutputKind.Transmit:
                    if (_remote is { } remote)
                    {
                        // Also after the end: a fatal alert, SCTP's ABORT or SHUTDOWN-COMPLETE, close_notify.
                        if (_selectedRelayed)
                        {
                            EmitRelayed(output.Data.Span);
                        }
                        else
                        {
                            EmitCopy(RtcOutputKind.Transmit, output.Data.Span, _options.LocalEndpoint, remote, -1, false, 0);
                        }
                    }

                    break;
                case DtlsOutputKind.Connected:
                    OnDtlsConnected(nowNs);
                    break;
                case DtlsOutputKind.Failed:
                    DtlsAlert = _dtls.FailureAlert;
                    Fail(_dtls.FailureReason switch
                    {
                        DtlsFailureReason.Timeout => RtcFailureReason.DtlsTimeout,
                        DtlsFailureReason.FingerprintMismatch => RtcFailureReason.DtlsFingerprintMismatch,
                        DtlsFailureReason.SrtpProfileMismatch => RtcFailureReason.DtlsSrtpProfileMismatch,
                        DtlsFailureReason.Alert => RtcFailureReason.DtlsAlert,
                        DtlsFailureReason.PeerClosed => RtcFailureReason.DtlsPeerClosed,
                        _ => RtcFailureReason.DtlsProtocolError,
                    }, _dtls.FailureMessage);
                    break;
                case DtlsOutputKind.Data:
                    if (_sctp is { } sctp && !Terminal)
                    {
                        sctp.HandleInputDeferringSack(nowNs, output.Data.Span);
                    }

                    break;
                case DtlsOutputKind.Closed:
                    OnDtlsClosed();
                    break;
                default:
                    return;
            }
        }
    }

    private void OnDtlsConnected(long nowNs)
    {
        if (Terminal)
        {
            return;
        }

        if (State is RtcCoreState.Handshaking)
        {
            State = RtcCoreState.Associating;
        }

        Emit(new RtcOutput(RtcOutputKind.DtlsConnected));
        var sctp = new SctpAssociation(new SctpOptions
        {
            MaxPacketSize = _sctpPacket.Length,
            LocalPort = _options.SctpPort,
            RemotePort = _options.RemoteSctpPort,
            MaxMessageSize = _options.RemoteMaxMessageSize,
            HeartbeatIntervalNs = _options.SctpHeartbeatIntervalNs,
            ReceiveWindow = _options.SctpReceiveWindow,
            Random = _options.RandomSeed is { } seed ? new Random(seed) : null,
        });
        sctp.HandleTimeout(nowNs); // The core's notion of now, before it arms T1.
        _sctp = sctp;
        _sctpDeadlineNs = nowNs + _options.SctpTimeoutNs;
        if (_options.SendSctpInit)
        {
            sctp.Connect();
        }
    }

    private void OnDtlsClosed()
    {
        if (Terminal)
        {
            return;
        }

        switch (_dtls.CloseReason)
        {
            case DtlsCloseReason.PeerCloseNotify:
                Finish(State == RtcCoreState.Closing ? RtcCloseReason.Local : RtcCloseReason.PeerCloseNotify);
                break;
            case DtlsCloseReason.PeerAlert:
                DtlsAlert = _dtls.PeerAlert;
                Fail(RtcFailureReason.DtlsAlert, "peer sent fatal alert " + _dtls.PeerAlert);
                break;
            default:
                Finish(RtcCloseReason.Local);
                break;
        }
    }

    private void DrainSctp(long nowNs)
    {
        if (_sctp is not { } sctp)
        {
            return;
        }

        while (!Terminal && sctp.TryPollEvent(out SctpEvent? ev, out var message))
        {
            switch (ev)
            {
                case null when message.Ppid == DataChannels.Ppid.Dcep:
                    HandleDcep(nowNs, message.StreamId, message.Data);
                    break;
                case null:
                    DeliverUserMessage(nowNs, message);
                    break;
                case SctpConnected:
                    OnSctpConnected(nowNs);
                    break;
                case SctpStreamReset reset:
                    OnStreamReset(reset);
                    break;
                case SctpAborted aborted:
                    FailureDetail = aborted.Detail;
                    break;
                case SctpClosed closed:
                    OnSctpClosed(closed);
                    break;
            }
        }

        if (sctp.HasDeferredSack && !Terminal && !sctp.IsTerminated)
        {
            // The messages above go out first (an echo answers from its poll loop, before this); the SACK that came
            // with them, and what SCTP then has to send, on the next input or poll (CompleteDeferred).
            _sackDeferred = true;
            return;
        }

        // Whatever SCTP has to send goes out through DTLS, also its last words (ABORT, SHUTDOWN-COMPLETE) when it ended
        // itself; nothing once the session failed for another reason (a peer without consent gets no more data, RFC 7675).
        while ((!Terminal || sctp.IsTerminated) && sctp.TryPollTransmit(_sctpPacket, out int length))
        {
            if (_dtls.State == DtlsManagedState.Connected)
            {
                _dtls.Send(_sctpPacket.AsSpan(0, length));
            }
        }

        if (_closeDtlsAfterFlush)
        {
            _closeDtlsAfterFlush = false;
            _dtls.Close(); // close_notify after SCTP's last packet
            Finish(_pendingClose);
        }
    }

    private void OnSctpConnected(long nowNs)
    {
        _sctpDeadlineNs = RtcTime.Never;
        if (State == RtcCoreState.Associating)
        {
            State = RtcCoreState.Connected;
        }

        Emit(new RtcOutput(RtcOutputKind.Connected));
        OpenWaitingChannels(nowNs);
    }

    private void OnSctpClosed(SctpClosed closed)
    {
        switch (closed.Reason)
        {
            case SctpCloseReason.Shutdown:
                _closeDtlsAfterFlush = true;
                _pendingClose = State == RtcCoreState.Closing ? RtcCloseReason.Local : RtcCloseReason.PeerShutdown;
                break;
            case SctpCloseReason.LocalAbort:
                _closeDtlsAfterFlush = true;
                _pendingClose = RtcCloseReason.Local;
                break;
            case SctpCloseReason.PeerAbort:
                _closeDtlsAfterFlush = true;
                _pendingClose = RtcCloseReason.PeerAbort;
                FailureDetail ??= closed.Detail;
                break;
            case SctpCloseReason.Failed when State == RtcCoreState.Closing:
                _closeDtlsAfterFlush = true; // our SHUTDOWN went unanswered: closed all the same
                _pendingClose = RtcCloseReason.Local;
                break;
            case SctpCloseReason.ProtocolViolation:
                Fail(RtcFailureReason.SctpProtocolViolation, closed.Detail);
                break;
            default:
                Fail(RtcFailureReason.SctpFailed, closed.Detail);
                break;
        }
    }

    private void Close(long nowNs)
    {
        if (Terminal || State == RtcCoreState.Closing)
        {
            return;
        }

        var before = State;
        State = RtcCoreState.Closing;
        if (_sctp is { } sctp && before == RtcCoreState.Connected)
        {
            sctp.Shutdown(); // graceful: queued data first; DTLS close_notify once SCTP is done
        }
        else if (_sctp is { } early)
        {
            early.Abort("closed before the association was up");
        }
        else
        {
            _dtls.Close(); // close_notify when connected; during the handshake it just stops (Cancelled, nothing sent)
            Finish(RtcCloseReason.Local);
        }
    }

    /// <summary>Terminal, in order: every channel closes first, then the Closed event.</summary>
    private void Finish(RtcCloseReason reason)
    {
        if (Terminal)
        {
            return;
        }

        CloseAllChannels();
        CompleteGathering();
        State = RtcCoreState.Closed;
        CloseReason = reason;
        Emit(new RtcOutput(RtcOutputKind.Closed, closeReason: reason));
    }

    private void Fail(RtcFailureReason reason, string? detail)
    {
        if (Terminal)
        {
            return;
        }

        CloseAllChannels();
        CompleteGathering();
        State = RtcCoreState.Failed;
        Failure = reason;
        FailureDetail = detail ?? FailureDetail;
        Emit(new RtcOutput(RtcOutputKind.Failed, failure: reason));
    }

    private void Emit(in RtcOutput output) => _outputs.Enqueue((output, null));

    /// <summary>Queues an output whose bytes are copied into a pooled buffer (returned on the poll after it is handed out).</summary>
    private void EmitCopy(RtcOutputKind kind, ReadOnlySpan<byte> data, IPEndPoint? source, IPEndPoint? destination, int channel,
        bool isText, long receivedNs)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.CopyTo(buffer);
        _outputs.Enqueue((new RtcOutput(kind, buffer.AsMemory(0, data.Length), source, destination, channel, isText, receivedNs), buffer));
    }
}

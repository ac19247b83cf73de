using System.Buffers.Binary;
using System.Net;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.DataChannels;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// The drive of <see cref="PeerConnection"/>'s <see cref="RtcCore"/>: every input under one re-entrant lock, on the
/// thread that has it (socket receive, timer, caller), then the outputs drained at once on that thread: transmits to
/// the socket, events to handlers, the next deadline to the one timer.
/// </summary>
public sealed partial class PeerConnection
{
    /// <summary>Datagrams that arrive before the remote description (a full answerer's first checks) are kept, at most this many.</summary>
    private const int MaxEarlyDatagrams = 8;

    /// <summary>Bytes of user data queued or in flight before sends are refused; also our cap on any one message.</summary>
    private const int SendBufferBytes = 16 * 1024 * 1024;

    private const ushort BindingRequest = 0x0001;
    private const ushort BindingSuccess = 0x0101;

    private readonly Lock _lock = new();
    private readonly RtcDeadlineTimer _timer;
    private readonly List<DataChannel> _pendingLocal = [];
    private readonly List<DataChannel?> _channels = [];
    private readonly List<(byte[] Datagram, IPEndPoint From, long ReceivedNs)> _early = [];
    private RtcCore? _core;
    private IceRole? _initialRole;
    private bool _draining;
    private bool _released;
    private bool _releaseAfterDrain;
    private long _startedNs;
    private long _iceConnectedNs;
    private long _dtlsConnectedNs;
    private long _sctpConnectedNs;
    private long _dropped;
    private long _callbackErrors;

    /// <summary>
    /// The largest message we may send: the peer's <c>a=max-message-size</c>, 65536 when its description has none
    /// (RFC 8841 §6.1); its 0 ("any size") is capped at our 16 MiB send buffer. 0 before the remote description.
    /// <see cref="DataChannel.Send"/> refuses a larger message with an <see cref="ArgumentException"/>.
    /// </summary>
    public int RemoteMaxMessageSize => _remote?.MaxMessageSize switch
    {
        null => 0,
        0 or > SendBufferBytes => SendBufferBytes,
        { } max => (int)max,
    };

    /// <summary>
    /// DCEP OPENs refused: a stream id already in use (a duplicate OPEN, or both ends opening the same id at once)
    /// or the reserved 65535. Each refusal is also logged once, at Information.
    /// </summary>
    public long DataChannelsRefused
    {
        get
        {
            lock (_lock)
            {
                return _core?.ChannelsRefused ?? 0;
            }
        }
    }

    /// <summary>The SCTP association's counters once it exists (a live object: read it as a snapshot).</summary>
    public SctpStats? SctpStats => _core?.SctpStats;

    /// <summary>The selected candidate pair, once ICE has selected one.</summary>
    public CandidatePairInfo? SelectedPair
    {
        get
        {
            lock (_lock)
            {
                if (_core?.RemoteEndpoint is not { } remote)
                {
                    return null;
                }

                return RelayedSelection(remote)
                       ?? new CandidatePairInfo(_socket.LocalEndPoint, remote, RemoteCandidateType(remote), _core.SelectionNominated);
            }
        }
    }

    /// <summary>
    /// The connection's one (re-entrant) lock: the core is driven under it, and events and message callbacks run under
    /// it. A caller that must keep its own state in step with sends (a sequence number, a shared send buffer) takes this
    /// lock before its own, never after: a message callback already holds it, so the opposite order can deadlock with a
    /// callback that sends.
    /// </summary>
    public Lock SyncRoot => _lock;

    /// <summary>The core (diagnostics and tests; read it under the connection's callbacks or after the end).</summary>
    internal RtcCore? Core => _core;

    /// <summary>The association (diagnostics and tests).</summary>
    internal SctpAssociation? Sctp => _core?.Sctp;

    /// <summary>Both descriptions are in: the core is built from them and started (under the lock), with what arrived early.</summary>
    private void StartCore(RtcIceMode mode, IceAgentOptions ice, RemoteDataChannelDescription description)
    {
        lock (_lock)
        {
            StartCoreLocked(mode, ice, description);
        }
    }

    private void StartCoreLocked(RtcIceMode mode, IceAgentOptions ice, RemoteDataChannelDescription description)
    {
        if (_released || _state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            return; // ended before the remote description (e.g. a relay-only allocation failed)
        }

        var coreOptions = new RtcCoreOptions
        {
            LocalEndpoint = _socket.LocalEndPoint,
            LocalIce = _localIce,
            RemoteIce = new IceCredentials(description.IceUfrag, description.IcePwd),
            IceMode = mode,
            IceAgent = ice,
            IceTimeoutNs = RtcTime.FromTimeSpan(_options.IceTimeout),
            ConsentTimeoutNs = RtcTime.FromTimeSpan(_options.ConsentTimeout),
            DtlsRole = DtlsRole!.Value,
            Certificate = _certificate,
            RemoteFingerprint = _remoteFingerprint!,
            DtlsTimeoutNs = RtcTime.FromTimeSpan(_options.DtlsTimeout),
            SctpPort = (ushort)SdpNames.DefaultSctpPort,
            RemoteSctpPort = (ushort)description.SctpPort,
            RemoteMaxMessageSize = RemoteMaxMessageSize,
            SctpReceiveWindow = Math.Max(1 << 20, 2 * _options.MaxMessageSize), // room to reassemble the largest message we advertise
            SctpTimeoutNs = RtcTime.FromTimeSpan(_options.SctpTimeout),
            SendSctpInit = _options.SendSctpInit,
            ChannelOpenTimeoutNs = RtcTime.FromTimeSpan(_options.ChannelOpenTimeout),
            StreamIdRule = _options.StreamIdRule,
            ChannelRefused = OnChannelRefused,
        };
        if (WithRelay(coreOptions) is not { } options)
        {
            return;
        }

        _initialRole = mode == RtcIceMode.Lite ? IceRole.Controlled : ice.Role;
        var core = new RtcCore(options);
        _core = core;
        long now = _clock();
        _startedNs = now;
        SetState(PeerConnectionState.Connecting);
        core.HandleInput(now, RtcInput.Timeout); // starts ICE: its clocks and timeouts run from here
        if (mode == RtcIceMode.Full)
        {
            AddSdpCandidates(core, description); // a lite responder needs none: it answers the checks that arrive
        }

        ReplayEarlyRemoteCandidates(core);
        if (CoreTakesChannels(core))
        {
            foreach (var channel in _pendingLocal)
            {
                OpenOnCore(channel);
            }

            _pendingLocal.Clear(); // else the core ended at its start (a relay-only allocation that failed): End closes them
        }
        foreach (var (datagram, from, receivedNs) in _early)
        {
            core.HandleInput(Math.Max(receivedNs, now), RtcInput.Receive(datagram, from, _socket.LocalEndPoint));
        }

        _early.Clear();
        Drain();
    }

    /// <summary>Whether the core still opens channels (not ending or ended, even if its terminal event is not drained yet).</summary>
    private static bool CoreTakesChannels(RtcCore core) => core.State is not (RtcCoreState.Closing or RtcCoreState.Closed or RtcCoreState.Failed);

    /// <summary>Under the lock, with a core: a channel of ours gets its core channel id.</summary>
    private void OpenOnCore(DataChannel channel)
    {
        int id = _core!.OpenChannel(_clock(), new RtcChannelOptions
        {
            Label = channel.Label,
            Protocol = channel.Protocol,
            Ordered = channel.Ordered,
            MaxRetransmits = channel.MaxRetransmits,
            MaxPacketLifeTimeMs = channel.MaxPacketLifeTimeMs,
        });
        Bind(channel, id);
    }

    private void Bind(DataChannel channel, int id)
    {
        while (_channels.Count <= id)
        {
            _channels.Add(null);
        }

        _channels[id] = channel;
        channel.Bind(_core!.Channel(id));
    }

    void IRtcDatagramHandler.OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Receive(datagram, from, receivedNs);

    void IRtcDatagramHandler.OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Receive(datagram, from, receivedNs);

    /// <summary>Receive thread: the datagram goes into the core with its socket receive time; outputs drained here.</summary>
    private void Receive(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            if (_core is not { } core)
            {
                if (ReceiveForShellTurn(datagram, from))
                {
                    return;
                }

                if (_early.Count < MaxEarlyDatagrams)
                {
                    _early.Add((datagram.ToArray(), new IPEndPoint(from.Address, from.Port), receivedNs));
                }
                else
                {
                    _dropped++;
                }

                return;
            }

            core.HandleInput(receivedNs, RtcInput.Receive(datagram, from, _socket.LocalEndPoint));
            Drain();
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            _timer.Fired();
            if (_released)
            {
                return;
            }

            long now = _clock();
            if (_core is { } core)
            {
                core.HandleInput(now, RtcInput.Timeout);
            }

            ServiceRelay(now);
            Drain();
        }
    }

    /// <summary>A send on one of our channels, on the caller's thread (or inside a callback: the outer drain sends it).</summary>
    internal bool Send(DataChannel channel, ReadOnlySpan<byte> message, bool isText)
    {
        lock (_lock)
        {
            if (channel.State != DataChannelState.Open || _core is not { } core)
            {
                throw new InvalidOperationException($"The data channel '{channel.Label}' is not open (state {channel.State}).");
            }

            int limit = RemoteMaxMessageSize;
            if (message.Length > limit)
            {
                throw new ArgumentException(
                    $"The message is {message.Length} bytes; the peer accepts at most {limit} in one message (its a=max-message-size; 65536 when its SDP has none, RFC 8841).",
                    nameof(message));
            }

            bool sent = core.HandleInput(_clock(), RtcInput.Send(channel.Id, message, isText));
            Drain();
            return sent;
        }
    }

    internal void CloseChannel(DataChannel channel)
    {
        lock (_lock)
        {
            if (channel.Id < 0)
            {
                _pendingLocal.Remove(channel);
                channel.MarkClosed();
                return;
            }

            if (_core is { } core && !_released)
            {
                core.HandleInput(_clock(), RtcInput.CloseChannel(channel.Id));
                if (core.Channel(channel.Id).State == RtcChannelState.Closing)
                {
                    channel.MarkClosing();
                }

                Drain();
            }
        }
    }

    /// <summary>
    /// Under the lock: everything the core has to say, then the timer for its deadline. Re-entered from a callback (an
    /// echo's send) it returns at once: the outer drain goes on polling, so the callback's message bytes stay valid.
    /// </summary>
    private void Drain()
    {
        if (_draining || _released || _core is not { } core)
        {
            return;
        }

        _draining = true;
        try
        {
            while (true)
            {
                var output = core.PollOutput();
                switch (output.Kind)
                {
                    case RtcOutputKind.Transmit:
                        Transmit(output.Data.Span, output.Destination!);
                        break;
                    case RtcOutputKind.Timeout:
                        if (!_released)
                        {
                            _timer.Arm(Math.Min(output.TimeoutNs, NextRelayDeadline()));
                        }

                        return;
                    default:
                        OnEvent(output);
                        break;
                }
            }
        }
        finally
        {
            _draining = false;
            if (_releaseAfterDrain)
            {
                ReleaseResources();
            }
        }
    }

    /// <summary>
    /// One datagram from our host candidate (or through the relay). On a shared socket a check (Binding request) or a
    /// success response claims the destination first, so that its answer, and then its DTLS, is routed to us (a success
    /// answers a request that passed MESSAGE-INTEGRITY with our password); error responses claim nothing, and DTLS
    /// goes only to a pair ICE validated, which is claimed already.
    /// </summary>
    private void Transmit(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        if (_released)
        {
            return;
        }

        if (_socket is UdpMuxSession session && datagram.Length >= 2
            && BinaryPrimitives.ReadUInt16BigEndian(datagram) is BindingRequest or BindingSuccess && !session.Owns(destination))
        {
            session.Claim(destination);
        }

        _socket.SendTo(datagram, destination);
    }

    private void OnEvent(in RtcOutput output)
    {
        switch (output.Kind)
        {
            case RtcOutputKind.IceConnected:
                _iceConnectedNs = _clock();
                break;
            case RtcOutputKind.DtlsConnected:
                _dtlsConnectedNs = _clock();
                break;
            case RtcOutputKind.Connected:
                _sctpConnectedNs = _clock();
                SetState(PeerConnectionState.Connected);
                _connected.TrySetResult(PeerOutcome.Success);
                break;
            case RtcOutputKind.ChannelOpen:
                OnChannelOpen(output.Channel);
                break;
            case RtcOutputKind.Message:
                if (ChannelAt(output.Channel) is { } target)
                {
                    try
                    {
                        target.Deliver(output.Data.Span, output.IsText, output.ReceivedNs);
                    }
                    catch (Exception)
                    {
                        _callbackErrors++;
                    }
                }

                break;
            case RtcOutputKind.ChannelClosed:
                ChannelAt(output.Channel)?.MarkClosed();
                break;
            case RtcOutputKind.Failed:
                var (state, outcome) = MapFailure(output.Failure);
                End(state, outcome);
                break;
            case RtcOutputKind.Closed:
                End(PeerConnectionState.Closed, MapClose(output.CloseReason));
                break;
            case RtcOutputKind.LocalCandidate:
                OnLocalCandidate(output.Candidate!);
                break;
            case RtcOutputKind.GatheringComplete:
                _gathered.TrySetResult();
                break;
        }
    }

    private DataChannel? ChannelAt(int id) => (uint)id < (uint)_channels.Count ? _channels[id] : null;

    private void OnChannelOpen(int id)
    {
        if (ChannelAt(id) is { } ours)
        {
            ours.MarkOpen(_clock());
            return;
        }

        var rc = _core!.Channel(id);
        var channel = new DataChannel(this, rc.Label, rc.Protocol, rc.Ordered, rc.MaxRetransmits, rc.MaxPacketLifeTimeMs, local: false);
        Bind(channel, id);
        bool isClient = DtlsRole == Dtls.DtlsRole.Client;
        if (rc.StreamId >= 0 && DataChannelStreamIds.BelongsTo((ushort)rc.StreamId, isClient))
        {
            PeerLog.DataChannelOnOurParity(_options.Logger, rc.Label, (ushort)rc.StreamId, isClient ? "server" : "client");
        }

        channel.MarkOpen(_clock());
        try
        {
            DataChannelOpened?.Invoke(channel);
        }
        catch (Exception)
        {
            _callbackErrors++;
        }
    }

    /// <summary>Core, under the lock: a DCEP OPEN refused; logged once with what holds the stream.</summary>
    private void OnChannelRefused(string label, ushort streamId, RtcChannel? holder)
    {
        PeerLog.DataChannelRefused(_options.Logger, label, streamId, holder switch
        {
            null => "reserved (65535)",
            { IsLocal: true, State: RtcChannelState.Connecting } => $"the one our channel '{holder.Label}' is opening at the same time (no ACK either way)",
            { IsLocal: true } => $"in use by our channel '{holder.Label}'",
            _ => $"in use by the peer's channel '{holder.Label}' (a duplicate OPEN)",
        });
    }

    private (PeerConnectionState, PeerOutcome) MapFailure(RtcFailureReason failure)
    {
        var core = _core!;
        string detail = core.FailureDetail ?? failure.ToString();
        static PeerOutcome Handshake(DtlsFailureReason reason, string text) =>
            PeerOutcome.Failure(PeerPhase.Dtls, PeerFailureReason.DtlsHandshakeFailed, $"{reason}: {text}") with { DtlsFailure = reason };

        string alert = core.DtlsAlert is { } number ? DtlsAlerts.Describe(number) : "unknown";
        return failure switch
        {
            RtcFailureReason.IceTimeout => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Ice, PeerFailureReason.IceTimeout,
                $"no ICE connectivity check succeeded within {_options.IceTimeout.TotalSeconds:0.###} s")),
            RtcFailureReason.IceFailed => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Ice, PeerFailureReason.IceFailed, detail)),
            RtcFailureReason.ConsentExpired => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Consent, PeerFailureReason.ConsentExpired,
                $"consent expired: no answer from {core.RemoteEndpoint} for {_options.ConsentTimeout.TotalSeconds:0.###} s")),
            RtcFailureReason.DtlsTimeout => (PeerConnectionState.Failed, Handshake(DtlsFailureReason.Timeout, detail)),
            RtcFailureReason.DtlsFingerprintMismatch => (PeerConnectionState.Failed, Handshake(DtlsFailureReason.FingerprintMismatch, detail)),
            RtcFailureReason.DtlsSrtpProfileMismatch => (PeerConnectionState.Failed, Handshake(DtlsFailureReason.SrtpProfileMismatch, detail)),
            RtcFailureReason.DtlsProtocolError => (PeerConnectionState.Failed, Handshake(DtlsFailureReason.ProtocolError, detail)),
            RtcFailureReason.DtlsAlert when _dtlsConnectedNs == 0 => (PeerConnectionState.Failed,
                Handshake(DtlsFailureReason.Alert, $"peer sent fatal alert {alert}")),
            RtcFailureReason.DtlsAlert => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Dtls, PeerFailureReason.DtlsPeerAlert,
                $"PeerAlert: peer sent fatal alert {alert}")),
            RtcFailureReason.DtlsPeerClosed => (PeerConnectionState.Closed, PeerOutcome.Failure(PeerPhase.PeerClosed, PeerFailureReason.DtlsPeerClosed,
                $"{DtlsFailureReason.PeerClosed}: {detail}") with { DtlsFailure = DtlsFailureReason.PeerClosed }),
            RtcFailureReason.RelayFailed => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Ice, PeerFailureReason.RelayFailed, detail)),
            RtcFailureReason.SctpTimeout => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Sctp, PeerFailureReason.SctpTimeout,
                $"the SCTP association was not up within {_options.SctpTimeout.TotalSeconds:0.###} s of DTLS")),
            RtcFailureReason.SctpFailed => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Sctp, PeerFailureReason.SctpFailed, "SCTP failed: " + detail)),
            RtcFailureReason.SctpProtocolViolation => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Sctp, PeerFailureReason.SctpProtocolViolation,
                "SCTP aborted: " + detail)),
            _ => (PeerConnectionState.Failed, PeerOutcome.Failure(PeerPhase.Internal, PeerFailureReason.Internal, $"{failure}: {detail}")),
        };
    }

    private PeerOutcome MapClose(RtcCloseReason reason) => reason switch
    {
        RtcCloseReason.PeerShutdown => PeerOutcome.Failure(PeerPhase.PeerClosed, PeerFailureReason.SctpPeerShutdown, "the peer shut SCTP down"),
        RtcCloseReason.PeerAbort => PeerOutcome.Failure(PeerPhase.PeerClosed, PeerFailureReason.SctpPeerAbort,
            $"the peer aborted SCTP ({_core?.FailureDetail ?? "ABORT"})"),
        RtcCloseReason.PeerCloseNotify => PeerOutcome.Failure(PeerPhase.PeerClosed, PeerFailureReason.DtlsPeerClosed, "the peer closed DTLS (close_notify)"),
        _ => PeerOutcome.Failure(PeerPhase.LocalClose, PeerFailureReason.ClosedLocally, "closed locally"),
    };

    /// <summary>A failure of the shell's own (the relay), under the lock: the core is aborted quietly and the connection ends.</summary>
    private void Fail(PeerPhase phase, PeerFailureReason cause, string reason)
    {
        if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            return;
        }

        bool draining = _draining;
        _draining = true; // the release waits for the core's last words
        End(PeerConnectionState.Failed, PeerOutcome.Failure(phase, cause, reason));
        _core?.Abort(_clock());
        _draining = draining;
        Drain();
        if (!draining && _releaseAfterDrain)
        {
            ReleaseResources();
        }
    }

    /// <summary>Ends the connection once (under the lock): channels closed, tasks completed, the socket released.</summary>
    private void End(PeerConnectionState state, PeerOutcome outcome)
    {
        if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            return;
        }

        foreach (var channel in _channels)
        {
            channel?.MarkClosed();
        }

        foreach (var channel in _pendingLocal)
        {
            channel.MarkClosed();
        }

        _pendingLocal.Clear();
        _connected.TrySetResult(outcome);
        _ended.TrySetResult(outcome);
        SetState(state);
        OnEndedRelay();
        if (!_draining)
        {
            ReleaseResources();
        }
        else
        {
            _releaseAfterDrain = true;
        }
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
            _callbackErrors++;
        }
    }

    /// <summary>The socket (or the shared-socket session), the timer and the core's buffers; once.</summary>
    private void ReleaseResources()
    {
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            _gathered.TrySetResult();
            _timer.Dispose();
            _socket.Dispose();
            _core?.Dispose(); // its counters stay readable
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
                    return IceCandidateLine.FormatType(c.Type);
                }
            }
        }

        return "prflx";
    }
}

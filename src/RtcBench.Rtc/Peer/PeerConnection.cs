using System.Net;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// A data-channel-only WebRTC peer connection over one UDP socket: a thin shell over one <see cref="RtcCore"/> (ICE →
/// DTLS 1.2 → SCTP → DCEP, sans-IO).
/// <list type="bullet">
/// <item>Offerer (<see cref="CreateOfferer"/>, the runner): a full, controlling ICE agent with aggressive
/// nomination; <see cref="CreateOffer"/>, then <see cref="SetRemoteAnswer"/>.</item>
/// <item>Answerer (<see cref="AcceptOffer"/>, the echo agent): ICE-lite by default, or a full agent with
/// <see cref="PeerConnectionOptions.AnswererIceMode"/> (controlled, or controlling when the offer is ICE-lite); the
/// answer is <see cref="LocalDescription"/>.</item>
/// </list>
/// The shell owns the socket, one re-entrant lock, one timer, the SDP and the mapping of the core's outputs to events,
/// tasks and <see cref="DataChannel"/> handles. Threading (see Peer/README.md): no thread or task of its own. The core is
/// driven by whichever thread has something for it, under the lock: the socket's receive thread (a datagram, with its
/// receive time), the timer (the core's deadline) or the caller (a send, a channel open or close, a trickled candidate,
/// dispose). Events and message callbacks run on that thread, under the lock; they may call
/// <see cref="DataChannel.Send"/> (an echo goes out on the thread that received the ping). Failures are outcomes
/// (<see cref="WhenConnected"/>, <see cref="Outcome"/>): every phase has a timeout.
/// </summary>
public sealed partial class PeerConnection : IAsyncDisposable, IRtcDatagramHandler
{
    private readonly PeerConnectionOptions _options;
    private readonly Func<long> _clock;
    private readonly IPeerSocket _socket;
    private readonly DtlsCertificate _certificate;
    private readonly IceCredentials _localIce;
    private readonly TaskCompletionSource<PeerOutcome> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PeerOutcome> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SessionDescription? _remoteSdp;
    private RemoteDataChannelDescription? _remote;
    private DtlsFingerprint? _remoteFingerprint;
    private volatile PeerConnectionState _state = PeerConnectionState.New;
    private int _disposed;

    private PeerConnection(PeerConnectionOptions options, bool offerer)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!offerer && options.AnswererIceMode == AnswererIceMode.Lite && options.IceServers.Count > 0)
        {
            throw new ArgumentException("Invalid PeerConnectionOptions: IceServers (a TURN relay) need a full ICE agent; an ICE-lite answerer has host candidates only.");
        }

        _options = options;
        _clock = options.Clock;
        IsOfferer = offerer;
        _certificate = options.Certificate ?? DtlsCertificate.Generate(options.TimeProvider);
        _timer = new RtcDeadlineTimer(options.TimeProvider, _clock, static s => ((PeerConnection)s!).OnTimer(), this);
        (_socket, _localIce) = OpenSocket(options);
        _localCandidateStrings = UseHostCandidate ? Array.AsReadOnly([LocalHostCandidate().ToTrickleString()]) : Array.AsReadOnly(Array.Empty<string>());
        StartGathering();
    }

    /// <summary>
    /// Our own socket, or a session on <see cref="PeerConnectionOptions.SharedSocket"/> registered under our local ufrag
    /// (a fresh one in the rare case another session has it).
    /// </summary>
    private (IPeerSocket Socket, IceCredentials LocalIce) OpenSocket(PeerConnectionOptions options)
    {
        if (options.SharedSocket is not { } mux)
        {
            var own = new RtcUdpSocket(new IPEndPoint(options.LocalAddress, options.LocalPort), _clock, this, "rtc-peer-receive");
            return (own, IceCredentials.Generate());
        }

        while (true)
        {
            var ice = IceCredentials.Generate();
            if (mux.TryRegister(ice.Ufrag, this, out var session))
            {
                return (session, ice);
            }
        }
    }

    /// <summary>Whether this side made the offer rather than answered it.</summary>
    public bool IsOfferer { get; }

    /// <summary>Whether our ICE is lite (an answerer with <see cref="AnswererIceMode.Lite"/>).</summary>
    public bool IsIceLite => !IsOfferer && _options.AnswererIceMode == AnswererIceMode.Lite;

    /// <summary>Our current ICE role (a lite agent is always controlled; a full one may switch on a role conflict).</summary>
    public IceRole IceRole
    {
        get
        {
            lock (_lock)
            {
                return _core?.IceRole ?? _initialRole ?? (IsOfferer ? IceRole.Controlling : IceRole.Controlled);
            }
        }
    }

    public PeerConnectionState State => _state;

    /// <summary>Our UDP socket's address: the host candidate.</summary>
    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>Our SDP: the offer after <see cref="CreateOffer"/>, the answer after <see cref="AcceptOffer"/>.</summary>
    public string? LocalDescription { get; private set; }

    public DtlsFingerprint LocalFingerprint => _certificate.Fingerprint;

    /// <summary>Our DTLS role, known once both descriptions are in (null before).</summary>
    public DtlsRole? DtlsRole { get; private set; }

    public PeerTimings Timings => new(_startedNs, _iceConnectedNs, _dtlsConnectedNs, _sctpConnectedNs);

    /// <summary>Completes when the SCTP association is up (connected) or a phase fails first. Never faults.</summary>
    public Task<PeerOutcome> WhenConnected => _connected.Task;

    /// <summary>Completes when the connection has ended (failed or closed), with why. Never faults.</summary>
    public Task<PeerOutcome> WhenEnded => _ended.Task;

    /// <summary>The final outcome once ended, else null.</summary>
    public PeerOutcome? Outcome => _ended.Task.IsCompleted ? _ended.Task.Result : null;

    /// <summary>Raised on every state change, on the thread that drove the core (see the type's remarks).</summary>
    public event Action<PeerConnection, PeerConnectionState>? StateChanged;

    /// <summary>Raised when the peer opened a channel (already open; ACK sent), on the thread that received the OPEN
    /// (the socket's receive thread). Set OnMessage here.</summary>
    public event Action<DataChannel>? DataChannelOpened;

    /// <summary>Datagrams and messages dropped: not ours (not STUN/DTLS, DTLS from an endpoint ICE did not validate,
    /// after the end), more early datagrams than are kept before the remote description, messages on no open channel.</summary>
    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped + (_core is { } core ? core.DroppedDatagrams + core.MessagesDropped : 0);
            }
        }
    }

    /// <summary>Exceptions thrown by user callbacks (they are caught and counted; the connection goes on).</summary>
    public long CallbackErrors => Interlocked.Read(ref _callbackErrors);

    /// <summary>
    /// The UDP shell under this connection (counters). Throws <see cref="InvalidOperationException"/> when the connection
    /// runs on <see cref="PeerConnectionOptions.SharedSocket"/>: see <see cref="MuxSession"/>.
    /// </summary>
    public RtcUdpSocket Socket => _socket as RtcUdpSocket
        ?? throw new InvalidOperationException("This connection runs on a shared socket (PeerConnectionOptions.SharedSocket): see MuxSession.");

    /// <summary>Our session on <see cref="PeerConnectionOptions.SharedSocket"/> (routes, counters), or null on a socket of our own.</summary>
    public UdpMuxSession? MuxSession => _socket as UdpMuxSession;

    /// <summary>Creates the offering side (full controlling ICE agent) and binds its socket.</summary>
    public static PeerConnection CreateOfferer(PeerConnectionOptions options) => new(options, offerer: true);

    /// <summary>
    /// Creates the answering side (ICE-lite, or full per <see cref="PeerConnectionOptions.AnswererIceMode"/>) for
    /// <paramref name="offerSdp"/>, binds its socket and starts it; the answer is <see cref="LocalDescription"/>.
    /// Throws <see cref="FormatException"/> when the offer is not a usable data-channel offer (the message says why).
    /// </summary>
    public static PeerConnection AcceptOffer(string offerSdp, PeerConnectionOptions options)
    {
        var offer = ParseRemote(offerSdp, SdpType.Offer, out var description, out var fingerprint);
        var pc = new PeerConnection(options, offerer: false);
        try
        {
            pc.Answer(offer, description, fingerprint);
            return pc;
        }
        catch
        {
            pc.ReleaseResources();
            throw;
        }
    }

    /// <summary>
    /// Our offer: one data section, actpass, <c>a=ice-options:trickle</c> (we accept trickled candidates), our host
    /// candidate and end-of-candidates (it is our only one). Call once.
    /// </summary>
    public string CreateOffer()
    {
        if (!IsOfferer || LocalDescription is not null)
        {
            throw new InvalidOperationException("CreateOffer is for a new offerer, once.");
        }

        LocalDescription = SdpWriter.Write(DataChannelSdp.CreateOffer(SdpOptions(iceLite: false, SdpSetup.ActPass) with { IceTrickle = true }));
        return LocalDescription;
    }

    /// <summary>
    /// Applies the answer and starts connecting. Throws <see cref="FormatException"/> for an unusable answer and
    /// <see cref="InvalidOperationException"/> when called out of order.
    /// </summary>
    public void SetRemoteAnswer(string answerSdp)
    {
        if (!IsOfferer || LocalDescription is null || _remoteSdp is not null)
        {
            throw new InvalidOperationException("SetRemoteAnswer follows CreateOffer, once.");
        }

        var answer = ParseRemote(answerSdp, SdpType.Answer, out var description, out var fingerprint);
        if (description.Setup is not (SdpSetup.Active or SdpSetup.Passive))
        {
            throw new FormatException("The answer's a=setup must be active or passive.");
        }

        _remoteSdp = answer;
        _remote = description;
        _remoteFingerprint = fingerprint;
        DtlsRole = description.Setup == SdpSetup.Active ? Dtls.DtlsRole.Server : Dtls.DtlsRole.Client;
        // RFC 8445 §6.1.1: the offerer controls, and must when the answerer is lite.
        StartCore(RtcIceMode.Full, IceOptions(IceRole.Controlling, remoteIsLite: description.IceLite), description);
    }

    /// <summary>
    /// Creates a channel we open: DCEP OPEN goes out once the association is up, and it opens on the ACK
    /// (<see cref="DataChannel.WhenOpen"/>). <paramref name="maxRetransmits"/> 0 means "send once".
    /// </summary>
    public DataChannel CreateDataChannel(string label, bool ordered = true, int? maxRetransmits = null, int? maxPacketLifeTimeMs = null, string protocol = "")
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(protocol);
        if (maxRetransmits is not null && maxPacketLifeTimeMs is not null)
        {
            throw new ArgumentException("Give maxRetransmits or maxPacketLifeTimeMs, not both.");
        }

        if (maxRetransmits < 0 || maxPacketLifeTimeMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetransmits), "Partial reliability parameters must not be negative.");
        }

        lock (_lock)
        {
            if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
            {
                throw new InvalidOperationException($"The connection is {_state}.");
            }

            var channel = new DataChannel(this, label, protocol, ordered, maxRetransmits, maxPacketLifeTimeMs, local: true);
            if (_core is null)
            {
                _pendingLocal.Add(channel);
            }
            else if (CoreTakesChannels(_core))
            {
                OpenOnCore(channel);
                Drain();
            }
            else
            {
                channel.MarkClosed(); // the connection is ending (from inside a callback, before its end was drained)
            }

            return channel;
        }
    }

    /// <summary>Closes at once (SCTP ABORT "Close called", DTLS close_notify, as browsers do) and releases the socket.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        lock (_lock)
        {
            if (_core is { } core && !_released)
            {
                core.Abort(_clock());
                Drain(); // ABORT and close_notify go out; Closed(Local) ends the connection.
            }

            End(PeerConnectionState.Closed, PeerOutcome.Failure(PeerPhase.LocalClose, PeerFailureReason.ClosedLocally, "closed locally"));
            if (_draining)
            {
                _releaseAfterDrain = true; // disposed from inside a callback: the drain under way sends the last words first
            }
            else
            {
                ReleaseResources();
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Answer(SessionDescription offer, RemoteDataChannelDescription description, DtlsFingerprint fingerprint)
    {
        var setup = _options.AnswerSetup;
        if (description.Setup == setup)
        {
            setup = setup == SdpSetup.Passive ? SdpSetup.Active : SdpSetup.Passive;
        }

        bool full = _options.AnswererIceMode == AnswererIceMode.Full;
        var sdpOptions = SdpOptions(iceLite: !full, setup) with { Mid = description.Mid ?? "0", IceTrickle = full };
        var answer = DataChannelSdp.TryCreateAnswer(offer, sdpOptions, out var sdp, out string error)
            ? sdp! : throw new FormatException("Cannot answer the offer: " + error);
        _remoteSdp = offer;
        _remote = description;
        _remoteFingerprint = fingerprint;
        DtlsRole = setup == SdpSetup.Passive ? Dtls.DtlsRole.Server : Dtls.DtlsRole.Client;
        LocalDescription = SdpWriter.Write(answer);
        // RFC 8445 §6.1.1: a full answerer is controlled, unless the offerer is lite: then it must control.
        var role = description.IceLite ? IceRole.Controlling : IceRole.Controlled;
        StartCore(full ? RtcIceMode.Full : RtcIceMode.Lite, IceOptions(role, remoteIsLite: description.IceLite), description);
    }

    private IceAgentOptions IceOptions(IceRole role, bool remoteIsLite) => new()
    {
        Role = role,
        RemoteIsLite = remoteIsLite,
        ConnectTimeoutNs = RtcTime.FromTimeSpan(_options.IceTimeout),
        ConsentIntervalNs = RtcTime.FromTimeSpan(_options.ConsentInterval),
        ConsentTimeoutNs = RtcTime.FromTimeSpan(_options.ConsentTimeout),
        UseHostCandidate = UseHostCandidate,
    };

    private DataChannelSdpOptions SdpOptions(bool iceLite, SdpSetup setup)
    {
        // Relay-only: no host candidate. Still gathering (TURN): no end-of-candidates; the relay is trickled.
        IceCandidateLine[] candidates = UseHostCandidate ? [LocalHostCandidate()] : [];
        return new DataChannelSdpOptions(_localIce.Ufrag, _localIce.Password, new SdpFingerprint(SdpFingerprint.Sha256, _certificate.Fingerprint.ToString().Split(' ')[1]))
        {
            Candidates = new EquatableArray<IceCandidateLine>(candidates),
            EndOfCandidates = _turnUrl is null,
            SessionId = _sessionId,
            IceLite = iceLite,
            IceTrickle = false,
            Setup = setup,
            MaxMessageSize = (ulong)_options.MaxMessageSize,
        };
    }

    private static SessionDescription ParseRemote(string text, SdpType type, out RemoteDataChannelDescription description, out DtlsFingerprint fingerprint)
    {
        if (!SdpParser.TryParse(text, type, out var sdp, out string error))
        {
            throw new FormatException($"Invalid SDP {type.ToString().ToLowerInvariant()}: {error}");
        }

        if (!DataChannelSdp.TryDescribe(sdp!, out var described, out error))
        {
            throw new FormatException($"Unusable SDP {type.ToString().ToLowerInvariant()}: {error}");
        }

        if (!DtlsFingerprint.TryParse(described!.Fingerprint.ToString(), out var parsed))
        {
            throw new FormatException($"The {type.ToString().ToLowerInvariant()} has no sha-256 fingerprint (got '{described.Fingerprint}').");
        }

        description = described;
        fingerprint = parsed!;
        return sdp!;
    }
}

using System.Net;
using System.Threading.Channels;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// A data-channel-only WebRTC peer connection over one UDP socket: ICE → DTLS 1.2 → SCTP → DCEP data channels.
/// <list type="bullet">
/// <item>Offerer (<see cref="CreateOfferer"/>, the runner): a full, controlling ICE agent with aggressive
/// nomination; <see cref="CreateOffer"/>, then <see cref="SetRemoteAnswer"/>.</item>
/// <item>Answerer (<see cref="AcceptOffer"/>, the echo agent): ICE-lite by default, or a full agent with
/// <see cref="PeerConnectionOptions.AnswererIceMode"/> (controlled, or controlling when the offer is ICE-lite); the
/// answer is <see cref="LocalDescription"/>.</item>
/// </list>
/// Threading (see Peer/README.md): one event loop per connection, a task reading a bounded channel of inputs
/// (STUN datagrams, decrypted SCTP packets, timer wake-ups, user sends, control actions) and driving the sans-IO ICE
/// and SCTP cores. The socket's receive thread timestamps datagrams and hands DTLS records straight to the DTLS
/// session once a pair is selected; BouncyCastle's own thread decrypts and posts the SCTP packet, with the receive
/// time of its datagram, to the loop. Message callbacks and events run on the loop. Failures are outcomes
/// (<see cref="WhenConnected"/>, <see cref="Outcome"/>): every phase has a timeout.
/// </summary>
public sealed partial class PeerConnection : IAsyncDisposable, IRtcDatagramHandler
{
    private readonly PeerConnectionOptions _options;
    private readonly Func<long> _clock;
    private readonly Channel<PeerInput> _inputs;
    private readonly IPeerSocket _socket;
    private readonly DtlsCertificate _certificate;
    private readonly IceCredentials _localIce;
    private readonly TaskCompletionSource<PeerOutcome> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PeerOutcome> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timer;
    private SessionDescription? _remoteSdp;
    private RemoteDataChannelDescription? _remote;
    private DtlsFingerprint? _remoteFingerprint;
    private Task? _loop;
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
        _inputs = Channel.CreateBounded<PeerInput>(new BoundedChannelOptions(options.InputQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _timer = options.TimeProvider.CreateTimer(static s => ((PeerConnection)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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
    public IceRole IceRole => _iceAgent?.Role ?? (IsOfferer ? IceRole.Controlling : IceRole.Controlled);

    public PeerConnectionState State => _state;

    /// <summary>Our UDP socket's address: the host candidate.</summary>
    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>Our SDP: the offer after <see cref="CreateOffer"/>, the answer after <see cref="AcceptOffer"/>.</summary>
    public string? LocalDescription { get; private set; }

    public DtlsFingerprint LocalFingerprint => _certificate.Fingerprint;

    /// <summary>Our DTLS role, known once both descriptions are in (null before).</summary>
    public DtlsRole? DtlsRole { get; private set; }

    /// <summary>The selected candidate pair, once ICE has selected one.</summary>
    public CandidatePairInfo? SelectedPair { get; private set; }

    public PeerTimings Timings => new(_startedNs, _iceConnectedNs, _dtlsConnectedNs, _sctpConnectedNs);

    /// <summary>Completes when the SCTP association is up (connected) or a phase fails first. Never faults.</summary>
    public Task<PeerOutcome> WhenConnected => _connected.Task;

    /// <summary>Completes when the connection has ended (failed or closed), with why. Never faults.</summary>
    public Task<PeerOutcome> WhenEnded => _ended.Task;

    /// <summary>The final outcome once ended, else null.</summary>
    public PeerOutcome? Outcome => _ended.Task.IsCompleted ? _ended.Task.Result : null;

    /// <summary>Raised on the loop on every state change.</summary>
    public event Action<PeerConnection, PeerConnectionState>? StateChanged;

    /// <summary>Raised on the loop when the peer opened a channel (already open; ACK sent). Set OnMessage here.</summary>
    public event Action<DataChannel>? DataChannelOpened;

    /// <summary>Datagrams and packets dropped: input queue full, DTLS from an unselected source, unknown stream.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Exceptions thrown by user callbacks (they are caught and counted; the loop goes on).</summary>
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
            if (pc._loop is not null)
            {
                _ = pc.DisposeAsync().AsTask(); // Gathering started the loop: it ends and releases everything.
            }
            else
            {
                pc._timer.Dispose();
                pc._socket.Dispose();
            }

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
        var ice = new IceAgent(_localIce, new IceCredentials(description.IceUfrag, description.IcePwd),
            IceOptions(IceRole.Controlling, remoteIsLite: description.IceLite));
        AddSdpCandidates(ice, description);
        _iceAgent = ice;
        StartLoop();
        Post(() =>
        {
            ice.Start(_clock());
            _iceDeadlineNs = RtcTime.Never; // The agent's own connect timeout applies.
            OnIceStarted();
        });
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

        if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            throw new InvalidOperationException($"The connection is {_state}.");
        }

        var channel = new DataChannel(this, label, protocol, ordered, maxRetransmits, maxPacketLifeTimeMs, local: true);
        lock (_pendingLocal)
        {
            if (_loop is null)
            {
                _pendingLocal.Add(channel);
                return channel;
            }
        }

        if (!Post(() => AddLocalChannel(channel)))
        {
            channel.MarkClosed();
        }

        return channel;
    }

    /// <summary>Closes gracefully (SCTP ABORT "Close called", DTLS close_notify, as browsers do) and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await (_loop ?? Task.CompletedTask).ConfigureAwait(false);
            return;
        }

        if (_loop is not null)
        {
            // When the post fails the connection has already ended (the peer closed it) and the loop is on its way
            // out: wait for it all the same, so the socket (or the shared-socket session) is released on return.
            Post(() => End(PeerConnectionState.Closed, PeerOutcome.Failure(PeerPhase.LocalClose, PeerFailureReason.ClosedLocally, "closed locally")));
            await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
        else
        {
            End(PeerConnectionState.Closed, PeerOutcome.Failure(PeerPhase.LocalClose, PeerFailureReason.ClosedLocally, "closed locally"));
            ReleaseResources();
        }
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
        var remoteIce = new IceCredentials(description.IceUfrag, description.IcePwd);
        IceAgent? agent = null;
        if (full)
        {
            // RFC 8445 §6.1.1: a full answerer is controlled, unless the offerer is lite: then it must control.
            agent = new IceAgent(_localIce, remoteIce,
                IceOptions(description.IceLite ? IceRole.Controlling : IceRole.Controlled, remoteIsLite: description.IceLite));
            AddSdpCandidates(agent, description);
            _iceAgent = agent;
        }
        else
        {
            _iceLite = new IceLiteResponder(_localIce, remoteIce, RtcTime.FromTimeSpan(_options.ConsentTimeout));
        }

        LocalDescription = SdpWriter.Write(answer);
        StartLoop();
        Post(() =>
        {
            if (agent is not null)
            {
                agent.Start(_clock()); // The agent's own connect timeout applies.
                OnIceStarted();
            }
            else
            {
                _iceDeadlineNs = _startedNs + RtcTime.FromTimeSpan(_options.IceTimeout);
            }

            if (DtlsRole == Dtls.DtlsRole.Server)
            {
                StartDtls(); // The server waits for the ClientHello, which may follow the first check closely.
            }
        });
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

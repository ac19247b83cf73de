using RtcBench.Core.Timing;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// A data-only LiveKit participant over our own WebRTC stack, v0 signalling (PROTOCOLS.md §2 A1–A3): the signal
/// WebSocket, a publisher peer connection we offer with <c>_reliable</c> (ordered) and <c>_lossy</c> (unordered,
/// maxRetransmits 0) for client→server data, and, when the server makes the subscriber primary, the subscriber peer
/// connection it offers, whose server-opened <c>_reliable</c>/<c>_lossy</c> carry server→client data (otherwise data
/// comes back on the publisher channels). <see cref="Send"/> and the <see cref="ILiveKitDataReceiver"/> are the data
/// path; <see cref="WhenEnded"/> says how the session ended. Every wait has a timeout: a join ends joined or with a
/// <see cref="LiveKitException"/>, a session with an outcome. The token is never logged or put in an outcome.
/// </summary>
public sealed partial class LiveKitParticipant : IAsyncDisposable
{
    private const int StateNew = 0;
    private const int StateJoining = 1;
    private const int StateJoined = 2;

    private readonly TaskCompletionSource<JoinResponse> _joinResponse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SessionDescription> _publisherAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _subscriberChannels = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<LiveKitOutcome> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ParticipantDirectory _directory = new();
    private readonly IdentityCache _identities = new();
    private volatile ILiveKitDataReceiver? _receiver;
    private LiveKitJoinOptions? _options;
    private MonoTime _clock = MonoTime.System;
    private PeerConnectionOptions? _peerOptions;
    private string? _relayPlanNote;
    private SignalConnection? _signal;
    private volatile PeerConnection? _publisher;
    private volatile PeerConnection? _subscriber;
    private Task _cleanup = Task.CompletedTask;
    private int _state;
    private volatile string _step = "not started";
    private long _startNs;
    private long _webSocketNs;
    private long _joinResponseNs;
    private long _publisherAnswerNs;
    private long _subscriberOfferNs;
    private long _readyNs;

    /// <param name="receiver">Gets every received user packet; may be set later with <see cref="SetReceiver"/>.</param>
    public LiveKitParticipant(ILiveKitDataReceiver? receiver = null)
    {
        _receiver = receiver;
        _onReliable = OnReliableMessage;
        _onLossy = OnLossyMessage;
    }

    /// <summary>Our identity (from the join response).</summary>
    public string Identity { get; private set; } = string.Empty;

    /// <summary>Our participant sid (<c>PA_…</c>).</summary>
    public string Sid { get; private set; } = string.Empty;

    public string RoomName { get; private set; } = string.Empty;

    /// <summary>The room sid; may arrive after the join (room_update) with protocol ≥ 12.</summary>
    public string RoomSid { get; private set; } = string.Empty;

    public LiveKitServerInfo? ServerInfo { get; private set; }

    /// <summary>Whether the server made the subscriber connection primary (server→client data flows on it).</summary>
    public bool SubscriberPrimary { get; private set; }

    /// <summary>JoinResponse.ice_servers as recorded for the run, without credentials (the connections get those).</summary>
    public IReadOnlyList<LiveKitIceServer> IceServers { get; private set; } = [];

    /// <summary>The server forces relay-only ICE (client_configuration.force_relay ENABLED): only the TURN relay candidate is used.</summary>
    public bool RelayOnly { get; private set; }

    /// <summary>What became of the TURN relay on the publisher connection (PeerConnection.RelayStatus); null before it exists.</summary>
    public string? PublisherRelayStatus => _publisher?.RelayStatus;

    /// <summary>What became of the TURN relay on the subscriber connection; null before it exists.</summary>
    public string? SubscriberRelayStatus => _subscriber?.RelayStatus;

    /// <summary>Both connections (those that exist) are done gathering: the TURN allocation answered, failed or timed out.</summary>
    internal Task WhenGatheringComplete => Task.WhenAll(
        _publisher?.WhenGatheringComplete ?? Task.CompletedTask, _subscriber?.WhenGatheringComplete ?? Task.CompletedTask);

    /// <summary>
    /// When the server gave ICE servers: relay-only or not, servers left out, and each connection's relay status
    /// ("relay 1.2.3.4:50000 via turn:…", or why there is none), for the run record. Never holds a credential.
    /// </summary>
    public string? RelayNote => IceServers.Count == 0 && !RelayOnly ? null : string.Join("; ", new[]
    {
        RelayOnly ? "relay-only ICE (force_relay)" : null,
        _relayPlanNote,
        PublisherRelayStatus is { } publisher ? "publisher: " + publisher : null,
        SubscriberRelayStatus is { } subscriber ? "subscriber: " + subscriber : null,
    }.Where(part => part is not null));

    /// <summary>The server's keepalive settings from the join response.</summary>
    public TimeSpan PingInterval { get; private set; }

    public TimeSpan PingTimeout { get; private set; }

    public CandidatePairInfo? PublisherPair => _publisher?.SelectedPair;

    public CandidatePairInfo? SubscriberPair => _subscriber?.SelectedPair;

    /// <summary>Our ICE on each connection, e.g. "full-controlling" (publisher, we offer) or "full-controlled".</summary>
    public string? PublisherIceRole => DescribeIce(_publisher);

    public string? SubscriberIceRole => DescribeIce(_subscriber);

    public PeerTimings? PublisherTimings => _publisher?.Timings;

    public PeerTimings? SubscriberTimings => _subscriber?.Timings;

    public LiveKitJoinTimings JoinTimings => new(
        Ms(_webSocketNs), Ms(_joinResponseNs), Ms(_publisherAnswerNs), Ms(_publisher?.Timings.SctpConnectedNs ?? 0),
        Ms(_subscriberOfferNs), Ms(_subscriber?.Timings.SctpConnectedNs ?? 0), Ms(_readyNs));

    /// <summary>The other participants present now.</summary>
    public IReadOnlyList<LiveKitRemoteParticipant> Participants => _directory.Snapshot();

    /// <summary>True once <see cref="JoinAsync"/> has succeeded, until the session ends.</summary>
    public bool IsJoined => Volatile.Read(ref _state) == StateJoined && !_ended.Task.IsCompleted;

    /// <summary>Completes once, with how the session (or the join attempt) ended. Never faults.</summary>
    public Task<LiveKitOutcome> WhenEnded => _ended.Task;

    public LiveKitOutcome? Outcome => _ended.Task.IsCompleted ? _ended.Task.Result : null;

    /// <summary>Routes received user packets to <paramref name="receiver"/> from now on (null: drop them).</summary>
    public void SetReceiver(ILiveKitDataReceiver? receiver) => _receiver = receiver;

    /// <summary>
    /// Joins: signal WebSocket, join response, publisher offer/answer and its two channels, and (when the server makes
    /// it primary) the subscriber connection and its two server-opened channels, all within
    /// <see cref="LiveKitJoinOptions.JoinTimeout"/>. Throws <see cref="LiveKitException"/> with the outcome when the
    /// join fails (refused: HTTP status and the server's reason; timeout: the step that did not finish), and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires. Call once.
    /// </summary>
    public async Task JoinAsync(LiveKitJoinOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (Interlocked.CompareExchange(ref _state, StateJoining, StateNew) != StateNew)
        {
            throw new InvalidOperationException("JoinAsync is called once per participant.");
        }

        _options = options;
        _clock = options.Clock;
        _startNs = _clock.NowNs();
        using var timeout = new CancellationTokenSource(options.JoinTimeout, _clock.Provider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await JoinCoreAsync(options, linked.Token).ConfigureAwait(false);
            _readyNs = _clock.NowNs();
            Volatile.Write(ref _state, StateJoined);
            if (_ended.Task.IsCompleted)
            {
                throw new LiveKitException(_ended.Task.Result);
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            await FailAsync(new LiveKitOutcome(LiveKitEndKind.Cancelled, "the join was cancelled while " + _step)).ConfigureAwait(false);
            throw new OperationCanceledException("The LiveKit join was cancelled.", ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            var outcome = await FailAsync(new LiveKitOutcome(LiveKitEndKind.JoinTimeout,
                $"not joined within {options.JoinTimeout.TotalSeconds:0.#} s, stuck {_step}{RelayContext()}")).ConfigureAwait(false);
            throw new LiveKitException(outcome, ex);
        }
        catch (LiveKitException ex)
        {
            var outcome = await FailAsync(ex.Outcome).ConfigureAwait(false);
            throw outcome == ex.Outcome ? ex : new LiveKitException(outcome, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var outcome = await FailAsync(new LiveKitOutcome(LiveKitEndKind.Internal,
                $"joining failed while {_step}: {ex.GetType().Name}: {ex.Message}")).ConfigureAwait(false);
            throw new LiveKitException(outcome, ex);
        }
    }

    /// <summary>
    /// Waits until <paramref name="identity"/> is in the room (it may already be). Throws <see cref="LiveKitException"/>
    /// if the session ends first; <paramref name="cancellationToken"/> is the caller's timeout.
    /// </summary>
    public Task<LiveKitRemoteParticipant> WaitForParticipantAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        return _directory.WaitAsync(identity, cancellationToken);
    }

    /// <summary>
    /// Completes when <paramref name="identity"/> is not in the room: at once when absent, else when the server reports
    /// it DISCONNECTED (an echo participant uses it to leave with its runner). Throws <see cref="LiveKitException"/>
    /// if our session ends first; <paramref name="cancellationToken"/> is the caller's timeout.
    /// </summary>
    public Task WaitForParticipantGoneAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        return _directory.WaitGoneAsync(identity, cancellationToken);
    }

    /// <summary>Leaves the room (LeaveRequest CLIENT_INITIATED, then WebSocket close 1000) and releases everything.</summary>
    public async Task LeaveAsync()
    {
        End(new LiveKitOutcome(LiveKitEndKind.Left, "left the room"), sendLeave: Volatile.Read(ref _state) != StateNew);
        await Volatile.Read(ref _cleanup).ConfigureAwait(false);
    }

    /// <summary>Leaves if still in the room; idempotent.</summary>
    public async ValueTask DisposeAsync() => await LeaveAsync().ConfigureAwait(false);

    private async Task JoinCoreAsync(LiveKitJoinOptions options, CancellationToken ct)
    {
        _step = "resolving the local address";
        var local = options.LocalAddress ?? await LocalAddress.TowardsAsync(options.Url.Host, ct).ConfigureAwait(false);
        _peerOptions = PeerOptions(options, local);

        _step = "connecting the signal WebSocket";
        var rtcUri = SignalUrls.Rtc(options.Url, options.Token, options.Sdk, options.SdkVersion);
        var signal = new SignalConnection(this, _clock);
        _signal = signal;
        if (await signal.ConnectAsync(rtcUri, ct).ConfigureAwait(false) is { } refused)
        {
            throw new LiveKitException(await ExplainRefusalAsync(options, refused.Status, refused.Error, ct).ConfigureAwait(false), refused.Error);
        }

        _webSocketNs = _clock.NowNs();
        if (_ended.Task.IsCompleted)
        {
            throw new LiveKitException(_ended.Task.Result);
        }

        signal.StartReading();

        _step = "waiting for the join response";
        var join = await WhenOrEnded(_joinResponse.Task, ct).ConfigureAwait(false);
        if (_ended.Task.IsCompleted)
        {
            throw new LiveKitException(_ended.Task.Result); // e.g. force_relay without a TURN server we can use (OnJoin)
        }

        if (join.Participant is null)
        {
            throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.Unsupported, string.IsNullOrEmpty(join.AlternativeUrl)
                ? "the join response has no participant"
                : "the server redirects the join to another URL (alternative_url), which this client does not follow"));
        }

        signal.StartKeepalive(PingInterval, PingTimeout);

        _step = "negotiating the publisher connection (offer sent, waiting for the answer)";
        var publisher = PeerConnection.CreateOfferer(_peerOptions);
        _publisher = publisher;
        Watch(publisher, "publisher");
        var reliable = publisher.CreateDataChannel(ReliableLabel);
        var lossy = publisher.CreateDataChannel(LossyLabel, ordered: false, maxRetransmits: 0);
        _pubReliable = reliable;
        _pubLossy = lossy;
        reliable.OnMessage = _onReliable;
        lossy.OnMessage = _onLossy;
        string offer = publisher.CreateOffer();
        if (_ended.Task.IsCompleted)
        {
            throw new LiveKitException(_ended.Task.Result);
        }

        await signal.SendAsync(new SignalRequest { Offer = new SessionDescription { Type = "offer", Sdp = offer, Id = 1 } }, ct).ConfigureAwait(false);
        await TrickleAsync(publisher, SignalTarget.Publisher).ConfigureAwait(false);
        var answer = await WhenOrEnded(_publisherAnswer.Task, ct).ConfigureAwait(false);
        _publisherAnswerNs = _clock.NowNs();
        try
        {
            publisher.SetRemoteAnswer(answer.Sdp);
            ApplyEarlyCandidates(publisher, SignalTarget.Publisher);
        }
        catch (FormatException ex)
        {
            throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.ProtocolError, "the publisher answer is unusable: " + ex.Message), ex);
        }

        _step = "connecting the publisher connection (ICE, DTLS, SCTP)";
        var connected = await WhenOrEnded(publisher.WhenConnected, ct).ConfigureAwait(false);
        if (!connected.Connected)
        {
            throw new LiveKitException(PeerFailure("publisher", connected, publisher));
        }

        _step = "opening the publisher's _reliable and _lossy channels";
        bool[] open = await WhenOrEnded(Task.WhenAll(reliable.WhenOpen, lossy.WhenOpen), ct).ConfigureAwait(false);
        if (!open[0] || !open[1])
        {
            throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.PeerFailed, "the publisher's data channels did not open")
            {
                PeerConnection = "publisher",
                PeerPhase = publisher.Outcome?.Phase,
                PeerCause = publisher.Outcome?.Cause,
            });
        }

        if (SubscriberPrimary)
        {
            _step = "waiting for the subscriber connection and its server-opened _reliable and _lossy channels";
            await WhenOrEnded(_subscriberChannels.Task, ct).ConfigureAwait(false);
        }
    }

    private PeerConnectionOptions PeerOptions(LiveKitJoinOptions options, System.Net.IPAddress local)
    {
        var peer = new PeerConnectionOptions
        {
            LocalAddress = local,
            Clock = _clock.NowNs,
            TimeProvider = _clock.Provider,

            // The subscriber connection is offered by the SFU, which may be ICE-lite (LiveKit Cloud): two lite agents
            // never connect, so we answer as a full agent (controlled facing a full offerer, controlling facing lite).
            AnswererIceMode = AnswererIceMode.Full,
        };
        if (options.PeerPhaseTimeout is { } phase)
        {
            peer = peer with { IceTimeout = phase, DtlsTimeout = phase, SctpTimeout = phase, ChannelOpenTimeout = phase };
        }

        return peer;
    }

    private static async Task<LiveKitOutcome> ExplainRefusalAsync(LiveKitJoinOptions options, int status, Exception error, CancellationToken ct)
    {
        var validate = SignalUrls.Validate(options.Url, options.Token, options.Sdk, options.SdkVersion);
        if (status == 0)
        {
            return new LiveKitOutcome(LiveKitEndKind.Unreachable, $"cannot reach {SignalUrls.Redact(validate).Replace("/validate", string.Empty, StringComparison.Ordinal)}: {error.Message}");
        }

        var (validateStatus, text) = await SignalValidation.AskAsync(validate, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        int shown = validateStatus is { } s && s != 200 ? s : status;
        string reason = SignalValidation.Explain(shown) + (string.IsNullOrEmpty(text) ? string.Empty : $" — server says: {text}");
        return new LiveKitOutcome(LiveKitEndKind.JoinRefused, reason) { HttpStatus = shown };
    }

    private async Task<T> WhenOrEnded<T>(Task<T> task, CancellationToken ct)
    {
        var first = await Task.WhenAny(task, _ended.Task).WaitAsync(ct).ConfigureAwait(false);
        if (first == task)
        {
            return await task.ConfigureAwait(false);
        }

        throw new LiveKitException(_ended.Task.Result);
    }

    private void Watch(PeerConnection peer, string which) =>
        _ = peer.WhenEnded.ContinueWith(
            t => End(PeerFailure(which, t.Result, peer)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private LiveKitOutcome PeerFailure(string which, PeerOutcome outcome, PeerConnection peer)
    {
        // With TURN servers given, an ICE failure is often the relay's: say what became of it unless the outcome does.
        string text = outcome.ToString();
        string relay = _peerOptions is { IceServers.Count: > 0 } && !text.Contains(peer.RelayStatus, StringComparison.Ordinal)
            ? $" (TURN: {peer.RelayStatus})"
            : string.Empty;
        return new(LiveKitEndKind.PeerFailed, $"the {which} connection failed: {text}{relay}") { PeerConnection = which, PeerPhase = outcome.Phase, PeerCause = outcome.Cause };
    }

    /// <summary>When the connections were given TURN servers: what became of the relay (an ICE failure is often that).</summary>
    private string RelayContext() => _peerOptions is { IceServers.Count: > 0 } && RelayNote is { Length: > 0 } note ? $" (TURN: {note})" : string.Empty;

    private async Task<LiveKitOutcome> FailAsync(LiveKitOutcome outcome)
    {
        End(outcome, sendLeave: false);
        await Volatile.Read(ref _cleanup).ConfigureAwait(false);
        return _ended.Task.Result;
    }

    /// <summary>Records the outcome (the first one wins) and releases everything in the background (<see cref="_cleanup"/>).</summary>
    private void End(LiveKitOutcome outcome, bool sendLeave = false)
    {
        if (!_ended.TrySetResult(outcome))
        {
            return;
        }

        _directory.End(outcome);
        Volatile.Write(ref _cleanup, CleanupAsync(outcome, sendLeave));
    }

    private async Task CleanupAsync(LiveKitOutcome outcome, bool sendLeave)
    {
        await Task.Yield();
        var leaveTimeout = _options?.LeaveTimeout ?? TimeSpan.FromSeconds(3);
        var trickles = StopTricklesAsync(); // No new candidates; what is queued goes out (or fails fast once the socket is gone).
        if (_signal is { } signal)
        {
            if (sendLeave)
            {
                var leave = new SignalRequest
                {
                    Leave = new LeaveRequest { Reason = DisconnectReason.ClientInitiated, Action = LeaveRequest.Types.Action.Disconnect },
                };
                await signal.CloseAsync(leave, leaveTimeout).ConfigureAwait(false);
            }
            else if (outcome.Kind == LiveKitEndKind.ServerLeave)
            {
                await signal.CloseAsync(null, leaveTimeout).ConfigureAwait(false);
            }
            else
            {
                signal.Abort();
            }
        }

        await trickles.ConfigureAwait(false);
        if (_publisher is { } publisher)
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
        }

        if (_subscriber is { } subscriber)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }

        if (_signal is { } s)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string? DescribeIce(PeerConnection? peer) =>
        peer is null ? null : (peer.IsIceLite ? "lite-" : "full-") + peer.IceRole.ToString().ToLowerInvariant();

    private double? Ms(long ns) => ns == 0 || _startNs == 0 ? null : Math.Round((ns - _startNs) / 1e6, 3);
}

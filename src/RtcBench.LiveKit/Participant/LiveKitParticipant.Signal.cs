using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>The server's signalling messages, handled in order on the signal read loop.</summary>
public sealed partial class LiveKitParticipant : ISignalHandler
{
    private const int MaxPendingCandidates = 64;

    private readonly List<(SignalTarget Target, string Candidate)> _pendingCandidates = [];
    private readonly List<LocalTrickle> _localTrickles = [];
    private bool _publisherAnswered; // under the _pendingCandidates lock
    private string? _refreshToken;
    private long _ignoredSignal;
    private long _trickleReceived;
    private long _trickleNotApplied;
    private long _requestErrors;
    private string? _lastRequestError;

    /// <summary>Signalling messages we do not act on (media, speakers, quality…).</summary>
    public long IgnoredSignalMessages => Interlocked.Read(ref _ignoredSignal);

    /// <summary>Later subscriber offers answered with the same transport (see <see cref="PeerConnection.AcceptRenegotiation"/>).</summary>
    public long SubscriberRenegotiations => _subscriber?.Renegotiations ?? 0;

    /// <summary>Signalling messages dropped as unparsable (text frames, not protobuf, oversized).</summary>
    public long MalformedSignalMessages => _signal?.Malformed ?? 0;

    /// <summary>The last signalling round trip (ping_req → pong_resp) in ms; 0 before the first.</summary>
    public long SignalRttMs => _signal?.RttMs ?? 0;

    /// <summary>Trickled candidates received from the server.</summary>
    public long TrickleReceived => Interlocked.Read(ref _trickleReceived);

    /// <summary>Trickled candidates not given to ICE: malformed JSON or candidate, or unusable by our stack (TCP, mDNS,
    /// another address family: see PeerConnection.RemoteCandidatesIgnored).</summary>
    public long TrickleNotApplied => Interlocked.Read(ref _trickleNotApplied);

    /// <summary>RequestResponse messages with a reason other than OK, and the last one's text.</summary>
    public long RequestErrors => Interlocked.Read(ref _requestErrors);

    public string? LastRequestError => Volatile.Read(ref _lastRequestError);

    /// <summary>Whether the server sent a refresh token (kept for a future reconnect; never exposed).</summary>
    internal bool HasRefreshToken => _refreshToken is not null;

    async ValueTask ISignalHandler.OnResponseAsync(SignalResponse response)
    {
        switch (response.MessageCase)
        {
            case SignalResponse.MessageOneofCase.Join:
                OnJoin(response.Join);
                break;
            case SignalResponse.MessageOneofCase.Leave:
                OnServerLeave(response.Leave);
                break;
            case SignalResponse.MessageOneofCase.Answer:
                if (!_publisherAnswer.TrySetResult(response.Answer))
                {
                    Interlocked.Increment(ref _ignoredSignal); // Renegotiation answers: we never re-offer.
                }

                break;
            case SignalResponse.MessageOneofCase.Offer:
                await OnSubscriberOfferAsync(response.Offer).ConfigureAwait(false);
                break;
            case SignalResponse.MessageOneofCase.Trickle:
                OnTrickle(response.Trickle);
                break;
            case SignalResponse.MessageOneofCase.Update:
                foreach (var participant in response.Update.Participants)
                {
                    _identities.Add(participant.Identity);
                    _directory.Apply(participant, Identity);
                }

                break;
            case SignalResponse.MessageOneofCase.RoomUpdate when response.RoomUpdate.Room is { } room:
                if (!string.IsNullOrEmpty(room.Sid))
                {
                    RoomSid = room.Sid;
                }

                break;
            case SignalResponse.MessageOneofCase.RefreshToken:
                _refreshToken = response.RefreshToken;
                break;
            case SignalResponse.MessageOneofCase.RequestResponse:
                if (response.RequestResponse.Reason != RequestResponse.Types.Reason.Ok)
                {
                    Interlocked.Increment(ref _requestErrors);
                    Volatile.Write(ref _lastRequestError, $"{response.RequestResponse.Reason}: {response.RequestResponse.Message}");
                }

                break;
            case SignalResponse.MessageOneofCase.Pong:
            case SignalResponse.MessageOneofCase.PongResp:
                break; // Any message keeps the connection alive; the RTT is taken in SignalConnection.
            default:
                Interlocked.Increment(ref _ignoredSignal);
                break;
        }
    }

    void ISignalHandler.OnSignalLost(LiveKitOutcome outcome) => End(outcome);

    private void OnJoin(JoinResponse join)
    {
        if (_joinResponse.Task.IsCompleted)
        {
            Interlocked.Increment(ref _ignoredSignal);
            return;
        }

        _joinResponseNs = _clock.NowNs();
        Identity = join.Participant?.Identity ?? string.Empty;
        Sid = join.Participant?.Sid ?? string.Empty;
        RoomName = join.Room?.Name ?? string.Empty;
        RoomSid = join.Room?.Sid ?? string.Empty;
        SubscriberPrimary = join.SubscriberPrimary;
        PingInterval = TimeSpan.FromSeconds(join.PingInterval > 0 ? join.PingInterval : 5);
        PingTimeout = TimeSpan.FromSeconds(join.PingTimeout > 0 ? join.PingTimeout : 15);
        var info = join.ServerInfo;
#pragma warning disable CS0612 // The deprecated fields are the fallback for servers that predate server_info.
        ServerInfo = new LiveKitServerInfo(
            info?.Edition.ToString() ?? "Standard",
            string.IsNullOrEmpty(info?.Version) ? join.ServerVersion : info.Version,
            info?.Protocol ?? 0,
            string.IsNullOrEmpty(info?.Region) ? join.ServerRegion : info.Region,
            info?.NodeId ?? string.Empty);
#pragma warning restore CS0612
        IceServers = [.. join.IceServers.Select(s => new LiveKitIceServer([.. s.Urls], s.Username, !string.IsNullOrEmpty(s.Credential)))];

        // Before the subscriber offer (the next message) is handled: both connections get the TURN servers, with
        // their credentials (here only, in memory), and relay-only ICE when the server forces relay.
        if (_peerOptions is { } peerOptions)
        {
            _peerOptions = LiveKitRelay.Apply(peerOptions, join, out string? unsupported, out _relayPlanNote);
            RelayOnly = _peerOptions.IceTransportPolicy == IceTransportPolicy.Relay;
            if (unsupported is not null)
            {
                End(new LiveKitOutcome(LiveKitEndKind.Unsupported, unsupported));
            }
        }

        _identities.Add(Identity);
        foreach (var other in join.OtherParticipants)
        {
            _identities.Add(other.Identity);
            _directory.Apply(other, Identity);
        }

        _joinResponse.TrySetResult(join);
    }

    private void OnServerLeave(LeaveRequest leave)
    {
        bool joining = !_joinResponse.Task.IsCompleted;
        string reason = joining ? "the server refused the join with a LeaveRequest" : "the server asked us to leave";
        End(new LiveKitOutcome(joining ? LiveKitEndKind.JoinRefused : LiveKitEndKind.ServerLeave, $"{reason} ({leave.Reason})")
        {
            ServerReason = leave.Reason,
            ServerAction = leave.Action,
        });
    }

    private async ValueTask OnSubscriberOfferAsync(SessionDescription offer)
    {
        if (_subscriber is { } existing && _signal is { } current && !_ended.Task.IsCompleted)
        {
            await OnSubscriberReofferAsync(existing, current, offer).ConfigureAwait(false);
            return;
        }

        if (_subscriber is not null || _peerOptions is null || _signal is not { } signal || _ended.Task.IsCompleted)
        {
            Interlocked.Increment(ref _ignoredSignal);
            return;
        }

        _subscriberOfferNs = _clock.NowNs();
        PeerConnection subscriber;
        try
        {
            subscriber = PeerConnection.AcceptOffer(offer.Sdp, _peerOptions);
        }
        catch (FormatException ex)
        {
            End(new LiveKitOutcome(LiveKitEndKind.ProtocolError, "the subscriber offer is unusable: " + ex.Message));
            return;
        }

        // Channels open only after ICE, DTLS and SCTP, which cannot start before the server has our answer.
        subscriber.DataChannelOpened += OnSubscriberChannel;
        _subscriber = subscriber;
        Watch(subscriber, "subscriber");
        if (_ended.Task.IsCompleted)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false); // Cleanup may have run before we stored it.
            return;
        }

        await signal.SendAsync(new SignalRequest
        {
            Answer = new SessionDescription { Type = "answer", Sdp = subscriber.LocalDescription, Id = offer.Id },
        }).ConfigureAwait(false);
        await TrickleAsync(subscriber, SignalTarget.Subscriber).ConfigureAwait(false);
    }

    /// <summary>
    /// A later subscriber offer (the SFU's session changed: tracks, or its data section re-announced). It is answered
    /// with the same transport, or, when it restarts ICE or changes the certificate, which we cannot follow, the session
    /// ends with a protocol-error outcome that says so rather than leaving the server waiting for an answer.
    /// </summary>
    private async ValueTask OnSubscriberReofferAsync(PeerConnection subscriber, SignalConnection signal, SessionDescription offer)
    {
        string answer;
        try
        {
            answer = subscriber.AcceptRenegotiation(offer.Sdp);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            End(new LiveKitOutcome(LiveKitEndKind.ProtocolError, "a later subscriber offer cannot be followed: " + ex.Message));
            return;
        }

        await signal.SendAsync(new SignalRequest
        {
            Answer = new SessionDescription { Type = "answer", Sdp = answer, Id = offer.Id },
        }).ConfigureAwait(false);
    }

    private void OnSubscriberChannel(DataChannel channel)
    {
        switch (channel.Label)
        {
            case ReliableLabel:
                channel.OnMessage = _onReliable;
                _subReliable = channel;
                break;
            case LossyLabel:
                channel.OnMessage = _onLossy;
                _subLossy = channel;
                break;
            default:
                return; // _data_track and anything newer: not ours.
        }

        if (_subReliable is not null && _subLossy is not null)
        {
            _subscriberChannels.TrySetResult(true);
        }
    }

    private void OnTrickle(TrickleRequest trickle)
    {
        Interlocked.Increment(ref _trickleReceived);
        if (!TrickleCandidate.TryParse(trickle.CandidateInit, out string candidate))
        {
            Interlocked.Increment(ref _trickleNotApplied);
            return;
        }

        // Kept until the connection can take them: the subscriber's until it exists (should a candidate overtake the
        // offer), the publisher's until the server's answer is applied (the connection would also keep one it is given
        // before its remote description, RtcBench.Rtc; kept here all the same so the order stays the signalling's).
        PeerConnection? peer;
        lock (_pendingCandidates)
        {
            peer = trickle.Target == SignalTarget.Subscriber ? _subscriber : (_publisherAnswered ? _publisher : null);
            if (peer is null)
            {
                if (_pendingCandidates.Count < MaxPendingCandidates)
                {
                    _pendingCandidates.Add((trickle.Target, candidate));
                    if (trickle.Final)
                    {
                        _pendingCandidates.Add((trickle.Target, string.Empty));
                    }

                    return;
                }

                Interlocked.Increment(ref _trickleNotApplied);
                return;
            }
        }

        Apply(peer, candidate, trickle.Final);
    }

    /// <summary>
    /// <paramref name="peer"/> can take remote candidates now: applies those kept for <paramref name="target"/> (in
    /// order, under the lock, so a later trickle cannot overtake them) and lets later ones through.
    /// </summary>
    private void ApplyEarlyCandidates(PeerConnection peer, SignalTarget target)
    {
        lock (_pendingCandidates)
        {
            foreach (var (_, candidate) in _pendingCandidates.Where(c => c.Target == target))
            {
                Apply(peer, candidate, isFinal: candidate.Length == 0);
            }

            _pendingCandidates.RemoveAll(c => c.Target == target);
            if (target == SignalTarget.Publisher)
            {
                _publisherAnswered = true;
            }
        }
    }

    /// <summary>Our description is sent: trickle our candidates (the subscriber's early remote ones are applied first).</summary>
    private async Task TrickleAsync(PeerConnection peer, SignalTarget target)
    {
        if (target == SignalTarget.Subscriber)
        {
            ApplyEarlyCandidates(peer, target);
        }

        if (_signal is not { } signal)
        {
            return;
        }

        var trickle = new LocalTrickle(peer, target, request => signal.SendAsync(request));
        lock (_localTrickles)
        {
            _localTrickles.Add(trickle);
        }

        await trickle.StartAsync().ConfigureAwait(false);
    }

    /// <summary>Stops trickling our candidates (the session is over) and waits for the senders to finish.</summary>
    private async Task StopTricklesAsync()
    {
        LocalTrickle[] trickles;
        lock (_localTrickles)
        {
            trickles = [.. _localTrickles];
        }

        foreach (var trickle in trickles)
        {
            trickle.Stop();
        }

        await Task.WhenAll(trickles.Select(t => t.Completion)).ConfigureAwait(false);
    }

    private void Apply(PeerConnection peer, string candidate, bool isFinal)
    {
        if (candidate.Length > 0)
        {
            try
            {
                if (!PeerTrickle.AddRemote(peer, candidate))
                {
                    Interlocked.Increment(ref _trickleNotApplied);
                }
            }
            catch (FormatException)
            {
                Interlocked.Increment(ref _trickleNotApplied);
            }
        }

        if (isFinal)
        {
            PeerTrickle.EndOfRemote(peer);
        }
    }
}

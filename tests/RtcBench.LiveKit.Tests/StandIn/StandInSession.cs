using System.Net;
using System.Net.WebSockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// One participant's signal connection in the stand-in server (see <see cref="StandInLiveKitServer"/>), with the
/// server's two peer connections for it: the subscriber connection the server offers (with <c>_reliable</c> and
/// <c>_lossy</c>, when subscriber-primary) and the publisher connection the client offers and the server answers.
/// </summary>
#pragma warning disable CA1001 // _sendGate is never waited on by handle: nothing unmanaged to release, and late senders must not hit a disposed gate.
internal sealed partial class StandInSession
#pragma warning restore CA1001
{
    private readonly StandInLiveKitServer _server;
    private readonly StandInSfuRoom _room;
    private readonly WebSocket _socket;
    private readonly HttpContext _context;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PeerConnectionOptions _peerOptions;
    private volatile PeerConnection? _publisher;
    private volatile PeerConnection? _subscriber;
    private int _malformedSignal;
    private int _trickleReceived;
    private int _pingsAnswered;
    private int _subscriberReanswers;
    private readonly TaskCompletionSource<bool> _subscriberReanswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _subscriberOffer;
    private string? _subscriberAnswerUfrag;
    private TaskCompletionSource _pinged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StandInSession(StandInLiveKitServer server, StandInSfuRoom room, StandInGrant grant, WebSocket socket, HttpContext context, bool subscriberPrimary)
    {
        _server = server;
        _room = room;
        _socket = socket;
        _context = context;
        _peerOptions = new() { LocalAddress = server.Options.ListenAddress };
        Identity = grant.Identity;
        Grant = grant;
        SubscriberPrimary = subscriberPrimary;
    }

    public string Identity { get; }

    public string Sid { get; } = "PA_" + Guid.NewGuid().ToString("N")[..12];

    public StandInGrant Grant { get; }

    public bool SubscriberPrimary { get; }

    /// <summary>The client's LeaveRequest, if it sent one.</summary>
    public LeaveRequest? ClientLeave { get; private set; }

    /// <summary>The close status the client sent, if it closed the WebSocket.</summary>
    public WebSocketCloseStatus? ClientCloseStatus { get; private set; }

    /// <summary>Completes when the session is over, with why ("client left", "socket broke"…).</summary>
    public Task<string> Ended => _ended.Task;

    public int MalformedSignal => _malformedSignal;

    /// <summary>ping_req messages answered with pong_resp.</summary>
    public int PingsAnswered => Volatile.Read(ref _pingsAnswered);

    /// <summary>Completes once <paramref name="count"/> pings have been answered (guarded by <paramref name="ct"/>).</summary>
    public async Task WaitForPingsAsync(int count, CancellationToken ct)
    {
        while (true)
        {
            var next = Volatile.Read(ref _pinged).Task;
            if (PingsAnswered >= count)
            {
                return;
            }

            await next.WaitAsync(ct);
        }
    }

    public int TrickleReceived => _trickleReceived;

    public PeerConnection? Publisher => _publisher;

    public PeerConnection? Subscriber => _subscriber;

    public async Task RunAsync(CancellationToken ct)
    {
        // The shared store first (LiveKit auto-creates the room on join); a full room refuses with a leave.
        var rooms = _server.Rooms;
        rooms.GetOrCreate(_room.Name);
        if (rooms.AddParticipant(_room.Name, Info(ParticipantInfo.Types.State.Joined)) == StandInRooms.JoinResult.RoomFull)
        {
            await ServerLeaveAsync(DisconnectReason.JoinFailure, LeaveRequest.Types.Action.Disconnect);
            await DrainUntilClosedAsync(ct);
            _ended.TrySetResult("room full");
            return;
        }

        var others = _room.Sessions;
        if (_room.Add(this) is { } evicted)
        {
            await evicted.ServerLeaveAsync(DisconnectReason.DuplicateIdentity, LeaveRequest.Types.Action.Disconnect);
        }

        string why = "socket closed";
        try
        {
            var join = new JoinResponse
            {
                Room = rooms.Find(_room.Name) ?? new Room { Name = _room.Name },
                Participant = Info(ParticipantInfo.Types.State.Joined),
                SubscriberPrimary = SubscriberPrimary,
                PingInterval = _server.Options.PingIntervalSeconds,
                PingTimeout = _server.Options.PingTimeoutSeconds,
                ServerInfo = new ServerInfo
                {
                    Edition = ServerInfo.Types.Edition.Standard,
                    Version = "1.9.1-standin",
                    Protocol = 17,
                    Region = "standin-local",
                    NodeId = "ND_standin1",
                },
                ClientConfiguration = new ClientConfiguration { ForceRelay = _server.Options.ForceRelay },
                IceServers = { _server.Options.IceServers },
            };
            join.OtherParticipants.Add(others.Where(o => o != this).Select(o => o.Info(ParticipantInfo.Types.State.Joined)));
            await SendAsync(new SignalResponse { Join = join });
            _server.OnSessionAdded();
            BroadcastUpdate(ParticipantInfo.Types.State.Joined);
            if (SubscriberPrimary)
            {
                await OfferSubscriberAsync();
            }

            why = await ReadLoopAsync(ct);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException)
        {
            why = "socket broke: " + ex.GetType().Name;
        }
        finally
        {
            if (ClientLeave is null && ClientCloseStatus is null)
            {
                await KeepForResumeAsync(ct);
            }

            _room.Remove(this);
            if (rooms.Participants(_room.Name)?.Any(p => p.Identity == Identity && p.Sid == Sid) == true)
            {
                rooms.RemoveParticipant(_room.Name, Identity);
            }

            BroadcastUpdate(ParticipantInfo.Types.State.Disconnected);
            if (_publisher is { } publisher)
            {
                await publisher.DisposeAsync();
            }

            if (_subscriber is { } subscriber)
            {
                await subscriber.DisposeAsync();
            }

            _ended.TrySetResult(why);
        }
    }

    private async Task KeepForResumeAsync(CancellationToken ct)
    {
        var peersEnded = Task.WhenAll(_publisher?.WhenEnded ?? Task.CompletedTask, _subscriber?.WhenEnded ?? Task.CompletedTask);
        try
        {
            await peersEnded.WaitAsync(_server.Options.ResumeWindow, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // No reconnect in the window (the stand-in does not imitate resuming): the participant goes.
        }
    }

    /// <summary>Fault / eviction: LeaveRequest{reason, action}, then the server closes the WebSocket.</summary>
    public async Task ServerLeaveAsync(DisconnectReason reason, LeaveRequest.Types.Action action)
    {
        await SendAsync(new SignalResponse { Leave = new LeaveRequest { Reason = reason, Action = action } });
        await _sendGate.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "server leave", CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Already gone.
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Fault: the TCP connection is dropped under the WebSocket (no close frame).</summary>
    public void Drop() => _context.Abort();

    /// <summary>Fault: the server closes both peer connections (SCTP ABORT, DTLS close_notify) but keeps signalling.</summary>
    public async Task ClosePeerConnectionsAsync()
    {
        if (_publisher is { } publisher)
        {
            await publisher.DisposeAsync();
        }

        if (_subscriber is { } subscriber)
        {
            await subscriber.DisposeAsync();
        }
    }

    public ParticipantInfo Info(ParticipantInfo.Types.State state) => new()
    {
        Sid = Sid,
        Identity = Identity,
        Name = Identity,
        State = state,
        Permission = new ParticipantPermission { CanSubscribe = Grant.CanSubscribe, CanPublish = true, CanPublishData = true },
        JoinedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
    };

    /// <summary>After a refusal: reads until the client's close frame (bounded), so the leave is not lost to a reset.</summary>
    private async Task DrainUntilClosedAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var buffer = new byte[4096];
        try
        {
            while ((await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Gone either way.
        }
    }

    private async Task<string> ReadLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                result = await _socket.ReceiveAsync(buffer.AsMemory(length), ct);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                ClientCloseStatus = _socket.CloseStatus;
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _sendGate.WaitAsync(ct);
                    try
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                    }
                    finally
                    {
                        _sendGate.Release();
                    }
                }

                return ClientLeave is null ? "client closed the WebSocket" : "client left";
            }

            SignalRequest request;
            try
            {
                request = SignalRequest.Parser.ParseFrom(buffer, 0, length);
            }
            catch (InvalidProtocolBufferException)
            {
                Interlocked.Increment(ref _malformedSignal);
                continue;
            }

            await HandleAsync(request);
        }
    }

    private async Task HandleAsync(SignalRequest request)
    {
        switch (request.MessageCase)
        {
            case SignalRequest.MessageOneofCase.Offer when !_server.Faults.IgnorePublisherOffers:
                await AnswerPublisherAsync(request.Offer);
                break;
            case SignalRequest.MessageOneofCase.Answer:
                ApplySubscriberAnswer(request.Answer);
                break;
            case SignalRequest.MessageOneofCase.Trickle:
                ApplyClientCandidate(request.Trickle);
                break;
            case SignalRequest.MessageOneofCase.Leave:
                ClientLeave = request.Leave;
                break;
            case SignalRequest.MessageOneofCase.PingReq when !_server.Faults.StopAnsweringPings:
                await SendAsync(new SignalResponse
                {
                    PongResp = new Pong { LastPingTimestamp = request.PingReq.Timestamp, Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                });
                Interlocked.Increment(ref _pingsAnswered);
                Interlocked.Exchange(ref _pinged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                break;
            case SignalRequest.MessageOneofCase.Ping when !_server.Faults.StopAnsweringPings:
                await SendAsync(new SignalResponse { Pong = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
                break;
            default:
                break;
        }
    }

    private async Task OfferSubscriberAsync()
    {
        var subscriber = PeerConnection.CreateOfferer(_peerOptions);
        _subscriber = subscriber;
        var reliable = subscriber.CreateDataChannel("_reliable");
        var lossy = subscriber.CreateDataChannel("_lossy", ordered: false, maxRetransmits: 0);
        AdoptSubscriberChannels(reliable, lossy);
        WhenPrimaryConnected(subscriber);
        string sdp = _server.Faults.CorruptSubscriberOffer ? "v=0\r\nthis is not an offer\r\n" : OwnSdp(subscriber.CreateOffer());
        _subscriberOffer = sdp;
        await SendAsync(new SignalResponse { Offer = new SessionDescription { Type = "offer", Sdp = sdp, Id = 1 } });
        await TrickleOwnAsync(subscriber, SignalTarget.Subscriber);
    }

    private string OwnSdp(string sdp) => _server.Options.CandidatesByTrickleOnly ? StandInTrickle.StripCandidates(sdp) : sdp;

    private async Task TrickleOwnAsync(PeerConnection peer, SignalTarget target)
    {
        foreach (var trickle in StandInTrickle.Candidates(peer, target))
        {
            await SendAsync(trickle);
        }
    }

    private void ApplyClientCandidate(TrickleRequest trickle)
    {
        Interlocked.Increment(ref _trickleReceived);
        var peer = trickle.Target == SignalTarget.Subscriber ? _subscriber : _publisher;
        if (peer is null || !TrickleCandidate.TryParse(trickle.CandidateInit, out string candidate))
        {
            Interlocked.Increment(ref _malformedSignal);
            return;
        }

        try
        {
            peer.AddRemoteCandidate(candidate);
            if (trickle.Final)
            {
                peer.AddRemoteEndOfCandidates();
            }
        }
        catch (FormatException)
        {
            Interlocked.Increment(ref _malformedSignal);
        }
    }

    /// <summary>
    /// Sends the subscriber offer again with an audio section added, as LiveKit does when the subscriber session changes
    /// (a track to subscribe); <paramref name="restartIce"/> also changes the ICE credentials, which the client cannot
    /// follow. The answer is checked in <see cref="ApplySubscriberAnswer"/> and counted in <see cref="SubscriberReanswers"/>.
    /// </summary>
    public Task ReofferSubscriberAsync(bool restartIce = false)
    {
        string offer = _subscriberOffer ?? throw new InvalidOperationException("No subscriber offer was sent yet.");
        offer = offer.Replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1", StringComparison.Ordinal)
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtpmap:111 opus/48000/2\r\n";
        if (restartIce)
        {
            string ufrag = offer.Split("\r\n").First(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal));
            offer = offer.Replace(ufrag, "a=ice-ufrag:rEsT", StringComparison.Ordinal);
        }

        return SendAsync(new SignalResponse { Offer = new SessionDescription { Type = "offer", Sdp = offer, Id = 2 } });
    }

    /// <summary>Answers to <see cref="ReofferSubscriberAsync"/> that kept the transport and rejected the added audio.</summary>
    public int SubscriberReanswers => Volatile.Read(ref _subscriberReanswers);

    /// <summary>Completes with whether the first renegotiation answer was acceptable (see <see cref="SubscriberReanswers"/>).</summary>
    public Task<bool> SubscriberReanswered => _subscriberReanswered.Task;

    private void ApplySubscriberAnswer(SessionDescription answer)
    {
        if (answer.Id >= 2)
        {
            // A renegotiation answer: same ICE credentials as the first, the audio section rejected (port 0).
            bool sameIce = _subscriberAnswerUfrag is { } first && answer.Sdp.Contains(first, StringComparison.Ordinal);
            bool audioRejected = answer.Sdp.Contains("m=audio 0 ", StringComparison.Ordinal);
            if (sameIce && audioRejected)
            {
                Interlocked.Increment(ref _subscriberReanswers);
            }
            else
            {
                Interlocked.Increment(ref _malformedSignal);
            }

            _subscriberReanswered.TrySetResult(sameIce && audioRejected);
            return;
        }

        _subscriberAnswerUfrag = answer.Sdp.Split("\r\n").FirstOrDefault(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal));
        try
        {
            _subscriber?.SetRemoteAnswer(OwnSdp(answer.Sdp));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            Interlocked.Increment(ref _malformedSignal);
        }
    }

    private async Task AnswerPublisherAsync(SessionDescription offer)
    {
        if (_publisher is not null)
        {
            Interlocked.Increment(ref _malformedSignal); // Renegotiation is not imitated.
            return;
        }

        PeerConnection publisher;
        try
        {
            publisher = PeerConnection.AcceptOffer(OwnSdp(offer.Sdp), _peerOptions);
        }
        catch (FormatException)
        {
            Interlocked.Increment(ref _malformedSignal);
            return;
        }

        publisher.DataChannelOpened += AdoptPublisherChannel;
        _publisher = publisher;
        if (!SubscriberPrimary)
        {
            WhenPrimaryConnected(publisher);
        }

        if (_server.Faults.TrickleBeforeAnswer)
        {
            await TrickleOwnAsync(publisher, SignalTarget.Publisher);
        }

        await SendAsync(new SignalResponse { Answer = new SessionDescription { Type = "answer", Sdp = OwnSdp(publisher.LocalDescription!), Id = offer.Id } });
        if (!_server.Faults.TrickleBeforeAnswer)
        {
            await TrickleOwnAsync(publisher, SignalTarget.Publisher);
        }
    }

    private void WhenPrimaryConnected(PeerConnection primary) =>
        _ = primary.WhenConnected.ContinueWith(
            t =>
            {
                if (t.Result.Connected && _server.Rooms.Participants(_room.Name)?.Any(p => p.Sid == Sid) == true)
                {
                    _server.Rooms.AddParticipant(_room.Name, Info(ParticipantInfo.Types.State.Active));
                    BroadcastUpdate(ParticipantInfo.Types.State.Active);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void BroadcastUpdate(ParticipantInfo.Types.State state)
    {
        var update = new SignalResponse { Update = new ParticipantUpdate { Participants = { Info(state) } } };
        foreach (var other in _room.Sessions)
        {
            if (other != this)
            {
                _ = other.SendAsync(update);
            }
        }
    }

    internal Task SendAsync(SignalResponse response) =>
        _server.Faults.StopAnsweringPings
            ? Task.CompletedTask // The silent-server fault: nothing at all reaches the client.
            : SendRawAsync(response.ToByteArray(), WebSocketMessageType.Binary);

    /// <summary>Sends any bytes as one frame (faults: garbage, text frames).</summary>
    internal async Task SendRawAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendGate.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The read loop sees the broken socket and ends the session.
        }
        finally
        {
            _sendGate.Release();
        }
    }
}

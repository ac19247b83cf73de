using System.Net.WebSockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// One participant's signal connection in the stand-in server (see <see cref="StandInLiveKitServer"/>), with the
/// server's two peer connections for it, both in werift (<see cref="WeriftMedia"/>): the subscriber connection the
/// server offers (with <c>_reliable</c>, <c>_lossy</c> and <c>_data_track</c>, when subscriber-primary) and the
/// publisher connection the client offers and the server answers.
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
    private volatile WeriftPeer? _publisher;
    private volatile WeriftPeer? _subscriber;
    private int _subscriberOfferId;
    private int _malformedSignal;
    private int _trickleReceived;
    private int _pingsAnswered;
    private int _subscriberReanswers;
    private readonly TaskCompletionSource<bool> _subscriberReanswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _subscriberAnswerUfrag;
    private TaskCompletionSource _pinged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StandInSession(StandInLiveKitServer server, StandInSfuRoom room, StandInGrant grant, WebSocket socket, HttpContext context, bool subscriberPrimary)
    {
        _server = server;
        _room = room;
        _socket = socket;
        _context = context;
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

    /// <summary>The server's side of the publisher connection (werift), once the client's offer was answered.</summary>
    public WeriftPeer? Publisher => _publisher;

    /// <summary>The server's side of the subscriber connection (werift), once offered.</summary>
    public WeriftPeer? Subscriber => _subscriber;

    /// <summary>werift's first subscriber offer, as sent to the client.</summary>
    public string? SubscriberOfferSdp { get; private set; }

    /// <summary>werift's answer to the client's publisher offer, as sent to the client.</summary>
    public string? PublisherAnswerSdp { get; private set; }

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
            await ClosePeerConnectionsAsync();
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

    /// <summary>Fault: the server closes both peer connections (werift's RTCPeerConnection.close()) but keeps signalling.</summary>
    public async Task ClosePeerConnectionsAsync()
    {
        if (_publisher is { } publisher)
        {
            await publisher.CloseAsync();
        }

        if (_subscriber is { } subscriber)
        {
            await subscriber.CloseAsync();
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
                await ApplySubscriberAnswerAsync(request.Answer);
                break;
            case SignalRequest.MessageOneofCase.Trickle:
                await ApplyClientCandidateAsync(request.Trickle);
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

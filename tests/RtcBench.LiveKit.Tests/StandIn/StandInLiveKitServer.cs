using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// A stand-in for LiveKit's SFU, which cannot run on this machine (PROTOCOLS.md §2 A7: no package, no binary). It is
/// written from PROTOCOLS.md §2 Part A and speaks the v0 signalling protocol the way the real server is documented to:
/// Kestrel on 127.0.0.1 port 0; <c>/rtc</c> upgrades to a WebSocket of binary protobuf frames after checking the
/// access token (refusal = HTTP 401 and no upgrade); <c>GET /rtc/validate</c> answers "success" or the refusal text;
/// JoinResponse first; a subscriber peer connection the server offers with <c>_reliable</c>/<c>_lossy</c>; the
/// client's publisher offer answered; keepalive pongs; DataPacket relay between participants with the sender's
/// identity and sid stamped, destination_identities honoured, never echoed to the sender, forwarded on the
/// receiver's primary connection's channel of the same kind, reliable packets with a non-increasing sequence dropped.
/// Rooms and participants are kept in a <see cref="StandInRooms"/> shared with the stand-in Twirp RoomService, mapped on
/// the same server as LiveKit does: a room created over Twirp is the one joined (auto-created on join otherwise), a
/// full room refuses the join with a LeaveRequest (JOIN_FAILURE) as the first message, ListParticipants shows who is
/// in, and DeleteRoom sends every participant a LeaveRequest (ROOM_DELETED).
/// WebRTC is real and not ours on the server's side: the SFU's peer connections live in werift (npm, pure TypeScript
/// modelled on Pion, LiveKit's stack; <see cref="WeriftMedia"/>), so every WebRTC leg has an independent stack at
/// one end. Like LiveKit it answers the publisher connection as the DTLS client (a=setup:active), offers the
/// subscriber connection (actpass) with the server's channels created before the offer, and is a full ICE agent
/// unless <see cref="StandInOptions.IceLite"/>. It is not LiveKit: behaviour the documentation does not pin down
/// (timings, media, reconnects, room limits) is not imitated.
/// </summary>
internal sealed class StandInLiveKitServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, StandInSfuRoom> _rooms = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    private StandInLiveKitServer(WebApplication app, StandInOptions options, WeriftMedia media)
    {
        _app = app;
        Options = options;
        Media = media;
        Rooms = options.Rooms ?? new StandInRooms();
        RoomService = new StandInRoomService(Rooms, options.Credentials);
        Rooms.RoomDeleted += OnRoomDeleted;
    }

    public StandInOptions Options { get; }

    /// <summary>Rooms and their participants, shared with <see cref="RoomService"/>.</summary>
    public StandInRooms Rooms { get; }

    /// <summary>The Twirp RoomService stand-in, on this server's URL.</summary>
    public StandInRoomService RoomService { get; }

    public StandInFaults Faults { get; } = new();

    /// <summary>The SFU's peer connections: werift in a node process of this server's own.</summary>
    public WeriftMedia Media { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>ws://127.0.0.1:port: <see cref="Url"/> as LIVEKIT_URL and the SDKs take it.</summary>
    public Uri SignalUrl => new(Url.AbsoluteUri.Replace("http://", "ws://", StringComparison.Ordinal));

    /// <summary>Join attempts refused (bad token, fault switch).</summary>
    public int Refused => _refused;

    private int _refused;

    public static async Task<StandInLiveKitServer> StartAsync(StandInOptions? options = null)
    {
        options ??= new StandInOptions();
        var media = await WeriftMedia.StartAsync(options.ListenAddress, options.IceLite);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(k => k.Listen(options.ListenAddress, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new StandInLiveKitServer(app, options, media);
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10) });
            app.MapGet("/rtc/validate", server.ValidateAsync);
            app.Map("/rtc", server.RtcAsync);
            app.Map("/rtc/v1/{**rest}", server.SinglePeerConnectionAsync);
            app.Map("/rtc/v1", server.SinglePeerConnectionAsync);
            server.RoomService.Map(app);
            await app.StartAsync();
            server.Url = new Uri(app.Urls.First());
            return server;
        }
        catch
        {
            await media.DisposeAsync();
            throw;
        }
    }

    /// <summary>A token for <paramref name="identity"/> in <paramref name="room"/>, signed with this server's secret.</summary>
    public string Token(string identity, string room, bool canSubscribe = true) =>
        LiveKitTokens.Create(Options.Credentials, identity, new VideoGrant
        {
            RoomJoin = true,
            Room = room,
            CanSubscribe = canSubscribe,
            CanPublishData = true,
        }, TimeSpan.FromHours(1));

    public StandInSession? FindSession(string room, string identity) => _rooms.GetValueOrDefault(room)?.Find(identity);

    /// <summary>Waits (guarded by <paramref name="ct"/>) until <paramref name="identity"/> has a session in <paramref name="room"/>.</summary>
    public async Task<StandInSession> WaitForSessionAsync(string room, string identity, CancellationToken ct)
    {
        while (true)
        {
            var waiter = _sessionAdded.Task;
            if (FindSession(room, identity) is { } session)
            {
                return session;
            }

            await waiter.WaitAsync(ct);
        }
    }

    private volatile TaskCompletionSource _sessionAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fault: the server sends LeaveRequest{reason, action} to <paramref name="identity"/> and closes its WebSocket.</summary>
    public Task SendLeaveAsync(string room, string identity, DisconnectReason reason, LeaveRequest.Types.Action action = LeaveRequest.Types.Action.Disconnect) =>
        FindSession(room, identity)?.ServerLeaveAsync(reason, action) ?? throw new InvalidOperationException($"no session '{identity}' in '{room}'");

    /// <summary>Fault: the TCP connection under <paramref name="identity"/>'s WebSocket is dropped (no close frame).</summary>
    public void DropWebSocket(string room, string identity) =>
        (FindSession(room, identity) ?? throw new InvalidOperationException($"no session '{identity}' in '{room}'")).Drop();

    public async ValueTask DisposeAsync()
    {
        Rooms.RoomDeleted -= OnRoomDeleted;
        _stopping.Cancel();
        foreach (var room in _rooms.Values)
        {
            foreach (var session in room.Sessions)
            {
                session.Drop();
            }
        }

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token);
        }

        await _app.DisposeAsync();
        await Media.DisposeAsync();
        _stopping.Dispose();
    }

    internal StandInSfuRoom Room(string name) => _rooms.GetOrAdd(name, n => new StandInSfuRoom(n));

    internal void OnSessionAdded()
    {
        var previous = _sessionAdded;
        _sessionAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private void OnRoomDeleted(string name, IReadOnlyList<ParticipantInfo> participants)
    {
        if (_rooms.TryRemove(name, out var room))
        {
            foreach (var session in room.Sessions)
            {
                _ = session.ServerLeaveAsync(DisconnectReason.RoomDeleted, LeaveRequest.Types.Action.Disconnect);
            }
        }
    }

    private StandInGrant? Check(HttpContext context, out string error)
    {
        if (Faults.RefuseJoins)
        {
            error = "stand-in: joins are refused (fault switch)";
            return null;
        }

        string? token = context.Request.Query["access_token"];
        if (token is null && context.Request.Headers.Authorization.ToString() is { Length: > 7 } header
            && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header[7..];
        }

        if (string.IsNullOrEmpty(token))
        {
            error = "no permissions to access the room (no access token)";
            return null;
        }

        try
        {
            var claims = LiveKitTokens.Validate(token, Options.Credentials);
            if (!claims.Grant.RoomJoin || string.IsNullOrEmpty(claims.Grant.Room) || string.IsNullOrEmpty(claims.Identity))
            {
                error = "permissions denied: the token has no roomJoin grant for a room, or no identity";
                return null;
            }

            error = string.Empty;
            return new StandInGrant(claims.Identity, claims.Grant.Room, claims.Grant.CanSubscribe ?? true);
        }
        catch (LiveKitTokenException ex)
        {
            error = "invalid token: " + ex.Message;
            return null;
        }
    }

    private async Task ValidateAsync(HttpContext context)
    {
        context.Response.Headers.AccessControlAllowOrigin = "*"; // As LiveKit answers: browsers' SDKs read the reason.
        if (Check(context, out string error) is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync(error);
            return;
        }

        await context.Response.WriteAsync("success");
    }

    /// <summary>
    /// Requests to <c>/rtc/v1</c> (single-PC signalling, LiveKit ≥ 1.9.1): 404, as a server that predates it answers,
    /// so SDKs that try it first (the Rust SDK, livekit-client) fall back to v0 <c>/rtc</c>, which the stand-in speaks.
    /// </summary>
    public int SinglePeerConnectionAttempts => Volatile.Read(ref _singlePeerConnectionAttempts);

    private int _singlePeerConnectionAttempts;

    private Task SinglePeerConnectionAsync(HttpContext context)
    {
        Interlocked.Increment(ref _singlePeerConnectionAttempts);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private async Task RtcAsync(HttpContext context)
    {
        var grant = Check(context, out string error);
        if (grant is null)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync(error);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        int protocol = int.TryParse(context.Request.Query["protocol"], out int p) ? p : 0;
        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var room = Room(grant.Room);
        var session = new StandInSession(this, room, grant, socket, context, subscriberPrimary: Options.SubscriberPrimary && protocol > 2 && grant.CanSubscribe);
        await session.RunAsync(_stopping.Token);
    }
}

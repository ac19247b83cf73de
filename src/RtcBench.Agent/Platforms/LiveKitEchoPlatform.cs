using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RtcBench.Agent.Contracts;
using RtcBench.Core.Timing;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Rooms;
using RtcBench.Platforms;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>livekit</c> platform on the agent: per room, a LiveKit room created over Twirp (<c>rtcbench-&lt;room id&gt;</c>,
/// short empty/departure timeouts, at most two participants), an access token for the runner and one for the echo,
/// and a <see cref="LiveKitEchoRoom"/> (our own data-only participant) that answers each ping to its sender only.
/// When the echo's session ends, for whatever reason, the LiveKit room is deleted in the background
/// (<see cref="DisposeAsync"/> waits for it). A room that is never deleted still ends at LiveKit: its departure
/// timeout closes it once everyone has left, and the tokens expire with the agent's room.
/// </summary>
internal sealed class LiveKitEchoPlatform : IEchoPlatform, IAsyncDisposable
{
    public const string PlatformName = "livekit";

    /// <summary>The runner and the echo: nobody else can join a measurement room.</summary>
    public const int MaxParticipants = 2;

    private readonly LiveKitAgentOptions _options;
    private readonly MonoTime _clock;
    private readonly ILogger _logger;
    private readonly HttpClient? _http;
    private readonly RoomServiceClient? _api;
    private readonly ConcurrentDictionary<Guid, LiveKitEchoRoom> _rooms = new();
    private readonly BackgroundWork _closing = new();
    private long _roomsCreated;
    private long _setupFailures;
    private long _roomsDeleted;
    private long _deleteFailures;
    private long _closedEchoed;
    private long _closedMalformed;

    public LiveKitEchoPlatform(LiveKitAgentOptions options, MonoTime clock, ILogger logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        if (options is { Url: { } url, Credentials: { } credentials })
        {
            _http = new HttpClient { Timeout = options.ApiTimeout };
            _api = new RoomServiceClient(_http, url, credentials, clock.Provider);
        }
    }

    public string Name => PlatformName;

    public bool Enabled => _api is not null;

    public async Task<object> CreateRoomAsync(RoomContext context, CancellationToken cancellationToken)
    {
        var api = _api ?? throw new InvalidOperationException(
            "The livekit platform is not enabled (LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set).");
        string id = context.RoomId.ToString("N");
        string name = "rtcbench-" + id;
        try
        {
            await api.CreateRoomAsync(name, _options.EmptyTimeout, _options.DepartureTimeout, MaxParticipants, cancellationToken).ConfigureAwait(false);
        }
        catch (TwirpException ex)
        {
            Interlocked.Increment(ref _setupFailures);
            AgentLog.LiveKitRoomFailed(_logger, name, ex.Message);
            throw new PlatformException($"LiveKit refused to create the room ({ex.Code}): {ex.Message}", ex);
        }

        var room = new LiveKitEchoRoom(name, "rtcbench-runner-" + id, "rtcbench-echo-" + id, _clock);
        string runnerToken;
        try
        {
            // Both tokens live as long as the agent's room; the runner's is the only one that leaves the agent.
            var ttl = TokenLifetime(context.ExpiresAt);
            runnerToken = Token(room.RunnerIdentity, name, ttl);
            string echoToken = Token(room.EchoIdentity, name, ttl);
            await room.Participant.JoinAsync(new LiveKitJoinOptions
            {
                Url = _options.Url!,
                Token = echoToken,
                Clock = _clock,
                JoinTimeout = _options.JoinTimeout,
                PeerPhaseTimeout = _options.PeerPhaseTimeout,
                LocalAddress = _options.LocalAddress,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LiveKitException or OperationCanceledException)
        {
            await room.Participant.DisposeAsync().ConfigureAwait(false);
            _closing.Track(DeleteAsync(room));
            if (ex is LiveKitException joinFailed)
            {
                Interlocked.Increment(ref _setupFailures);
                AgentLog.LiveKitRoomFailed(_logger, name, joinFailed.Outcome.ToString());
                throw new PlatformException("the echo participant could not join the LiveKit room: " + joinFailed.Outcome, joinFailed);
            }
            throw;
        }

        _rooms[context.RoomId] = room;
        Interlocked.Increment(ref _roomsCreated);
        room.WatchForRunner(context.IdleTimeout, _clock.Provider);
        _closing.Track(FinishAsync(room));
        var server = room.Participant.ServerInfo;
        AgentLog.LiveKitRoomReady(_logger, name, room.EchoIdentity, server?.Region, server?.NodeId);
        return new LiveKitRoomCredentials(_options.Url!.AbsoluteUri, runnerToken, name, room.EchoIdentity);
    }

    public void CloseRoom(Guid roomId)
    {
        if (_rooms.TryRemove(roomId, out var room))
        {
            // Counted as closed now; pongs still in flight until the echo has left are not added (a few at most).
            Interlocked.Add(ref _closedEchoed, room.Echoed);
            Interlocked.Add(ref _closedMalformed, room.Malformed);
            _ = room.LeaveAsync("the room was closed on the agent");
        }
    }

    public PlatformRoomActivity GetActivity(Guid roomId) =>
        _rooms.TryGetValue(roomId, out var room) ? room.Activity : default;

    public object? Describe(Guid roomId) => _rooms.TryGetValue(roomId, out var room) ? room.Describe() : null;

    /// <summary>The /health block; null when the platform is off.</summary>
    public LiveKitHealth? Health()
    {
        if (!Enabled)
        {
            return null;
        }
        long echoed = Interlocked.Read(ref _closedEchoed);
        long malformed = Interlocked.Read(ref _closedMalformed);
        foreach (var room in _rooms.Values)
        {
            echoed += room.Echoed;
            malformed += room.Malformed;
        }
        return new LiveKitHealth(_rooms.Count, Interlocked.Read(ref _roomsCreated), Interlocked.Read(ref _setupFailures),
            Interlocked.Read(ref _roomsDeleted), Interlocked.Read(ref _deleteFailures), echoed, malformed);
    }

    /// <summary>Makes every echo leave and waits (bounded) for the LiveKit rooms to be deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _rooms.Keys)
        {
            CloseRoom(id);
        }
        // Bounded: liveKit closes the rooms itself after their departure timeout.
        await _closing.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _http?.Dispose();
    }

    private string Token(string identity, string room, TimeSpan ttl) =>
        LiveKitTokens.Create(_options.Credentials!, identity, new VideoGrant
        {
            RoomJoin = true,
            Room = room,
            CanSubscribe = true,
            CanPublishData = true,
            CanPublish = false,
        }, ttl, _clock.Provider, name: identity);

    /// <summary>Whole seconds until the agent's room expires (at least one).</summary>
    private TimeSpan TokenLifetime(DateTimeOffset expiresAt)
    {
        double seconds = Math.Ceiling((expiresAt - _clock.UtcNow()).TotalSeconds);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, LiveKitTokens.MaxTimeToLive.TotalSeconds));
    }

    /// <summary>Once the echo's session has ended (left, removed, signalling lost), deletes the LiveKit room.</summary>
    private async Task FinishAsync(LiveKitEchoRoom room)
    {
        var outcome = await room.Participant.WhenEnded.ConfigureAwait(false);
        await room.Participant.LeaveAsync().ConfigureAwait(false); // Already ended: waits until everything is released.
        AgentLog.LiveKitEchoLeft(_logger, room.RoomName, room.LeaveReason ?? outcome.ToString(), room.Echoed, room.Malformed);
        await DeleteAsync(room).ConfigureAwait(false);
    }

    private async Task DeleteAsync(LiveKitEchoRoom room)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.ApiTimeout + TimeSpan.FromSeconds(5));
            await _api!.DeleteRoomAsync(room.RoomName, timeout.Token).ConfigureAwait(false);
            room.RoomState = "deleted";
            Interlocked.Increment(ref _roomsDeleted);
            AgentLog.LiveKitRoomDeleted(_logger, room.RoomName, "deleted");
        }
        catch (TwirpException ex) when (ex.Code == TwirpErrorCodes.NotFound)
        {
            room.RoomState = "already gone";
            Interlocked.Increment(ref _roomsDeleted);
            AgentLog.LiveKitRoomDeleted(_logger, room.RoomName, "already gone");
        }
        catch (Exception ex) when (ex is TwirpException or OperationCanceledException)
        {
            room.RoomState = "delete failed";
            Interlocked.Increment(ref _deleteFailures);
            AgentLog.LiveKitCleanupFailed(_logger, room.RoomName, ex.Message);
        }
    }

}

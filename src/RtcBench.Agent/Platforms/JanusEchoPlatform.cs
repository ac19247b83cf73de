using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Timing;
using RtcBench.Janus;
using RtcBench.Janus.Client;
using RtcBench.Janus.Participants;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Agent.Contracts;
using RtcBench.Platforms;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>janus</c> platform on the agent. Per room, by the path the runner asked for (<c>janus_path</c> in /connect):
/// <list type="bullet">
/// <item><c>sfu</c> (default): a VideoRoom room (random id, secret and PIN; at most two publishers; private) in which
/// the echo publishes a data channel and, once the runner publishes, subscribes to it: runner → Janus → echo →
/// Janus → runner, the SFU crossed twice.</item>
/// <item><c>textroom</c>: a TextRoom room (random id, secret and PIN) in which the echo answers the runner's private
/// messages.</item>
/// </list>
/// <item><c>echo</c>: no Janus room and no echo of ours: the runner talks to Janus's EchoTest, which returns each ping
/// itself (the run says so: path.echo "reflector", no net RTT). The agent only checks that Janus is up and has the
/// plugin, and hands out the URL.</item>
/// When the agent closes the room the echo leaves and the Janus room is destroyed with its secret.
/// </summary>
internal sealed class JanusEchoPlatform : IEchoPlatform, IAsyncDisposable
{
    public const string PlatformName = "janus";
    public const string RunnerName = "rtcbench-runner";
    public const string EchoName = "rtcbench-echo";

    private readonly JanusAgentOptions _options;
    private readonly MonoTime _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Guid, JanusEchoRoom> _rooms = new();
    private readonly BackgroundWork _work = new();
    private long _created;
    private long _setupFailures;
    private long _destroyed;
    private long _destroyFailures;
    private volatile Tuple<string, DateTime>? _lastError;

    public JanusEchoPlatform(JanusAgentOptions options, MonoTime clock, ILogger logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    public string Name => PlatformName;

    public bool Enabled => _options.Enabled;

    public async Task<object> CreateRoomAsync(RoomContext context, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("The janus platform is not enabled (JANUS_URL is not set).");
        }

        string path = context.JanusPath ?? "sfu";
        if (path == "echo")
        {
            return await EchoTestAsync(context, cancellationToken).ConfigureAwait(false);
        }

        string roomId = context.RoomId.ToString("N");
        long janusRoom = RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1024L + RandomNumberGenerator.GetInt32(1024);
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        string pin = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var room = new JanusEchoRoom(path, janusRoom, secret, _clock);
        try
        {
            await CreateJanusRoomAsync(path, janusRoom, secret, pin, cancellationToken).ConfigureAwait(false);
        }
        catch (JanusException ex)
        {
            Failed(ex.Message);
            AgentLog.JanusRoomFailed(_logger, path, roomId, ex.Message);
            throw new PlatformException($"Janus refused to create the {path} room: {ex.Message}", ex);
        }

        var participant = new JanusParticipantOptions
        {
            Client = _options.ClientOptions(),
            LocalAddress = _options.LocalAddress,
            PeerPhaseTimeout = _options.PeerPhaseTimeout,
            JoinTimeout = _options.JoinTimeout,
        };
        try
        {
            if (path == "sfu")
            {
                var echo = await VideoRoomDataParticipant.JoinAsync(participant, janusRoom, EchoName, pin, room, cancellationToken).ConfigureAwait(false);
                room.Attach(echo, echo.Send);
                room.Echo = "published; waiting for the runner";
                _work.Track(SubscribeToRunnerAsync(room, echo, context.IdleTimeout));
            }
            else
            {
                var echo = await TextRoomDataParticipant.JoinAsync(participant, janusRoom, EchoName, pin, RunnerName, room, cancellationToken).ConfigureAwait(false);
                room.Attach(echo, echo.Send);
                room.Echo = "in the room";
            }
        }
        catch (Exception ex) when (ex is JanusException or OperationCanceledException)
        {
            _work.Track(DestroyJanusRoomAsync(room));
            Failed(ex.Message);
            AgentLog.JanusRoomFailed(_logger, path, roomId, ex.Message);
            if (ex is JanusException janus)
            {
                throw new PlatformException($"the echo could not join the Janus {path} room: {janus.Message}", janus);
            }

            throw;
        }

        _rooms[context.RoomId] = room;
        Interlocked.Increment(ref _created);
        AgentLog.JanusRoomReady(_logger, path, janusRoom, roomId);
        return new JanusRoomCredentials(_options.Url!.AbsoluteUri, path, janusRoom, pin, RunnerName, EchoName, _options.ApiSecret, _options.Token);
    }

    public void CloseRoom(Guid roomId)
    {
        if (_rooms.TryRemove(roomId, out var room))
        {
            _work.Track(CloseAsync(room, "the room was closed on the agent"));
        }
    }

    /// <summary>The janus block of GET /health; null when the platform is off.</summary>
    public JanusHealth? Health()
    {
        if (!Enabled)
        {
            return null;
        }

        var last = _lastError;
        return new JanusHealth(_options.Url!.GetLeftPart(UriPartial.Path), _rooms.Count, Interlocked.Read(ref _created),
            Interlocked.Read(ref _setupFailures), Interlocked.Read(ref _destroyed), Interlocked.Read(ref _destroyFailures), last?.Item1, last?.Item2);
    }

    public PlatformRoomActivity GetActivity(Guid roomId) => _rooms.TryGetValue(roomId, out var room) ? room.Activity : default;

    public object? Describe(Guid roomId) => _rooms.TryGetValue(roomId, out var room) ? room.Describe() : null;

    /// <summary>Closes every room (echo leaves, Janus room destroyed) and waits for it, bounded.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _rooms.Keys)
        {
            CloseRoom(id);
        }

        await _work.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    private async Task<object> EchoTestAsync(RoomContext context, CancellationToken ct)
    {
        string roomId = context.RoomId.ToString("N");
        JanusServerInfo info;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.JoinTimeout);
            await using var client = await JanusClient.ConnectAsync(_options.ClientOptions(), timeout.Token).ConfigureAwait(false);
            info = await client.GetInfoAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (JanusException ex)
        {
            Failed(ex.Message);
            AgentLog.JanusRoomFailed(_logger, "echo", roomId, ex.Message);
            throw new PlatformException($"Janus is not usable for the echo path: {ex.Message}", ex);
        }

        if (!info.Plugins.Contains(JanusPlugins.EchoTest))
        {
            Failed($"no {JanusPlugins.EchoTest} plugin");
            AgentLog.JanusRoomFailed(_logger, "echo", roomId, "no EchoTest plugin");
            throw new PlatformException($"Janus {info.Version} has no {JanusPlugins.EchoTest} plugin loaded (is it disabled in janus.jcfg?): the echo path needs it.");
        }

        var room = new JanusEchoRoom("echo", 0, "", _clock) { Echo = "Janus's EchoTest answers (no echo of ours)", RoomState = "none (the echo path has no room)" };
        _rooms[context.RoomId] = room;
        Interlocked.Increment(ref _created);
        AgentLog.JanusRoomReady(_logger, "echo", 0, roomId);
        return new JanusEchoTestCredentials(_options.Url!.AbsoluteUri, "echo", _options.ApiSecret, _options.Token);
    }

    private void Failed(string reason)
    {
        Interlocked.Increment(ref _setupFailures);
        _lastError = Tuple.Create(reason, _clock.UtcNow().UtcDateTime);
    }

    private async Task SubscribeToRunnerAsync(JanusEchoRoom room, VideoRoomDataParticipant echo, TimeSpan idleTimeout)
    {
        try
        {
            using var timeout = new CancellationTokenSource(idleTimeout, _clock.Provider);
            long feed = await echo.WaitForPublisherAsync(RunnerName, timeout.Token).ConfigureAwait(false);
            await echo.SubscribeAsync(feed, timeout.Token).ConfigureAwait(false);
            room.Echo = "subscribed to the runner";
        }
        catch (OperationCanceledException)
        {
            room.Echo = $"the runner did not publish within the room's idle timeout ({idleTimeout.TotalSeconds:0} s)";
        }
        catch (Exception ex) when (ex is JanusException or InvalidOperationException)
        {
            room.Echo = "could not subscribe to the runner: " + ex.Message;
            AgentLog.JanusSubscribeFailed(_logger, room.Path, room.JanusRoom, ex.Message);
        }
    }

    private async Task CloseAsync(JanusEchoRoom room, string reason)
    {
        if (room.Participant is { } echo)
        {
            await echo.DisposeAsync().ConfigureAwait(false);
        }

        room.Echo = "left: " + reason;
        if (room.Path == "echo")
        {
            return; // Nothing of ours in Janus: the runner's EchoTest session is the runner's.
        }

        await DestroyJanusRoomAsync(room).ConfigureAwait(false);
        AgentLog.JanusRoomClosed(_logger, room.Path, room.JanusRoom, reason, room.Echoed, room.Malformed, room.RoomState);
    }

    private async Task CreateJanusRoomAsync(string path, long janusRoom, string secret, string pin, CancellationToken ct)
    {
        JanusRoomCreate create = path == "sfu"
            ? new VideoRoomCreateRoom { Room = janusRoom, Secret = secret, Pin = pin, AdminKey = _options.AdminKey, Publishers = 2, IsPrivate = true, Description = "rtcbench" }
            : new TextRoomCreateRoom { Room = janusRoom, Secret = secret, Pin = pin, AdminKey = _options.TextRoomAdminKey ?? _options.AdminKey, IsPrivate = true, Description = "rtcbench" };
        await AdminRequestAsync(path, create, ct).ConfigureAwait(false);
    }

    private async Task DestroyJanusRoomAsync(JanusEchoRoom room)
    {
        var destroy = new JanusRoomDestroy { Room = room.JanusRoom, Secret = room.Secret };
        try
        {
            using var timeout = new CancellationTokenSource(_options.JoinTimeout);
            await AdminRequestAsync(room.Path, destroy, timeout.Token).ConfigureAwait(false);
            room.RoomState = "destroyed";
            Interlocked.Increment(ref _destroyed);
        }
        catch (JanusPluginException ex) when (ex.ErrorCode is 426 or 417)
        {
            room.RoomState = "already gone"; // VideoRoom 426 / TextRoom 417: no such room.
            Interlocked.Increment(ref _destroyed);
        }
        catch (Exception ex) when (ex is JanusException or OperationCanceledException)
        {
            room.RoomState = "destroy failed: " + ex.Message;
            Interlocked.Increment(ref _destroyFailures);
            _lastError = Tuple.Create("destroy failed: " + ex.Message, _clock.UtcNow().UtcDateTime);
        }
    }

    private async Task AdminRequestAsync(string path, IJanusPluginRequest request, CancellationToken ct)
    {
        await using var client = await JanusClient.ConnectAsync(_options.ClientOptions(), ct).ConfigureAwait(false);
        await using var session = await client.CreateSessionAsync(ct).ConfigureAwait(false);
        var handle = await session.AttachAsync(path == "sfu" ? JanusPlugins.VideoRoom : JanusPlugins.TextRoom, ct: ct).ConfigureAwait(false);
        await handle.SendAsync(request, ct: ct).ConfigureAwait(false);
    }
}

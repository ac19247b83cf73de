using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Daily;
using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>daily</c> platform on the agent: per room, a Daily room by REST, a meeting token for the echo and one
/// for the runner, and a <see cref="DailyEchoCall"/> page that answers each ping to its sender only. Closing the
/// room closes the page and deletes the Daily room (in the background; <see cref="DisposeAsync"/> waits for it).
/// A room that is never closed still ends at Daily: it was created with <c>exp</c> and <c>eject_at_room_exp</c>.
/// </summary>
internal sealed class DailyEchoPlatform : IEchoPlatform, IAsyncDisposable
{
    public const string PlatformName = "daily";

    private readonly DailyAgentOptions _options;
    private readonly MonoTime _clock;
    private readonly ILogger _logger;
    private readonly DailyRestClient? _rest;
    private readonly ConcurrentDictionary<Guid, (string Name, DailyEchoCall Echo)> _rooms = new();
    private readonly BackgroundWork _closing = new();

    public DailyEchoPlatform(DailyAgentOptions options, MonoTime clock, ILogger logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _rest = options.ApiKey is { Length: > 0 } key ? new DailyRestClient(key, options.ApiBaseUrl) : null;
    }

    public string Name => PlatformName;

    public bool Enabled => _rest is not null;

    public async Task<object> CreateRoomAsync(RoomContext context, CancellationToken cancellationToken)
    {
        var rest = _rest ?? throw new InvalidOperationException("The daily platform is not enabled (DAILY_API_KEY is not set).");
        string name = "rtcbench-" + context.RoomId.ToString("N");
        DailyRoom room;
        try
        {
            room = await rest.CreateRoomAsync(new DailyRoomRequest
            {
                Name = name,
                ExpiresAt = context.ExpiresAt,
                EjectAtExpiry = true,
                Topology = context.DailyTopology,
                Geo = _options.Geo,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DailyApiException ex)
        {
            throw new PlatformException("Daily refused to create the room: " + ex.Message, ex);
        }
        try
        {
            string echoToken = await rest.CreateMeetingTokenAsync(room.Name, context.ExpiresAt, "rtcbench-echo", cancellationToken).ConfigureAwait(false);
            string runnerToken = await rest.CreateMeetingTokenAsync(room.Name, context.ExpiresAt, "rtcbench-runner", cancellationToken).ConfigureAwait(false);
            var echo = await DailyEchoCall.StartAsync(
                _options.Browser ?? BrowserHost.Shared, room.Url, echoToken, _options.StandInRelay, _clock, cancellationToken).ConfigureAwait(false);
            _rooms[context.RoomId] = (room.Name, echo);
            string topology = DailyCredentials.TopologyName(context.DailyTopology);
            AgentLog.DailyRoomReady(_logger, room.Name, topology, echo.JoinInfo.DailyJsVersion);
            return new DailyCredentials(room.Url.AbsoluteUri, runnerToken, topology, _options.Geo, _options.StandInRelay?.AbsoluteUri);
        }
        catch (Exception ex)
        {
            _closing.Track(DeleteAsync(room.Name, null));
            throw ex switch
            {
                DailyApiException api => new PlatformException("Daily refused a meeting token: " + api.Message, api),
                _ => ex,
            };
        }
    }

    public void CloseRoom(Guid roomId)
    {
        if (_rooms.TryRemove(roomId, out var room))
        {
            _closing.Track(DeleteAsync(room.Name, room.Echo));
        }
    }

    public PlatformRoomActivity GetActivity(Guid roomId) =>
        _rooms.TryGetValue(roomId, out var room)
            ? new PlatformRoomActivity(room.Echo.Echoed, room.Echo.LastActivityNs)
            : default;

    /// <summary>Closes every echo page and waits (bounded) for the Daily rooms to be deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _rooms.Keys)
        {
            CloseRoom(id);
        }
        // Bounded: rooms expire at Daily anyway
        await _closing.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _rest?.Dispose();
    }


    private async Task DeleteAsync(string roomName, DailyEchoCall? echo)
    {
        if (echo is not null)
        {
            await echo.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            bool deleted = await _rest!.DeleteRoomAsync(roomName, timeout.Token).ConfigureAwait(false);
            AgentLog.DailyRoomClosed(_logger, roomName, deleted);
        }
        catch (Exception ex) when (ex is DailyApiException or PlatformException or OperationCanceledException)
        {
            AgentLog.DailyCleanupFailed(_logger, roomName, ex.Message);
        }
    }
}

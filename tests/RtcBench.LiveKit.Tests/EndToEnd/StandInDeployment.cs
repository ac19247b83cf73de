using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RtcBench.Agent;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.EndToEnd;

/// <summary>
/// The stand-in LiveKit server (signalling and the Twirp RoomService on one URL, sharing its rooms; DeleteRoom sends
/// every participant ROOM_DELETED, as LiveKit does) and the real echo agent (in-process, loopback) configured with the
/// stand-in's URL and credentials exactly as <c>LIVEKIT_URL</c>/<c>LIVEKIT_API_KEY</c>/<c>LIVEKIT_API_SECRET</c> would.
/// </summary>
internal sealed class StandInDeployment : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _deleted = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _firstDeletion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StandInDeployment(StandInLiveKitServer server, RunningAgent agent)
    {
        Server = server;
        Agent = agent;
        Http = new HttpClient { BaseAddress = agent.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Hang guard for a whole test: generous, never a speed assertion.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);

    public StandInLiveKitServer Server { get; }

    public StandInRooms Rooms => Server.Rooms;

    public StandInRoomService RoomService => Server.RoomService;

    public RunningAgent Agent { get; }

    /// <summary>Points at the agent.</summary>
    public HttpClient Http { get; }

    /// <param name="logs">The agent's logs go here (null: discarded).</param>
    public static async Task<StandInDeployment> StartAsync(
        StandInOptions? standIn = null, Func<LiveKitAgentOptions, LiveKitAgentOptions>? configure = null, ILoggerFactory? logs = null)
    {
        var server = await StandInLiveKitServer.StartAsync(standIn);
        var livekit = new LiveKitAgentOptions
        {
            Url = server.SignalUrl,
            Credentials = server.Options.Credentials,
        };
        RunningAgent agent;
        try
        {
            agent = await AgentHost.StartAsync(new AgentOptions
            {
                Listen = new IPEndPoint(IPAddress.Loopback, 0),
                LiveKit = configure?.Invoke(livekit) ?? livekit,
            }, logs);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        var deployment = new StandInDeployment(server, agent);
        server.Rooms.RoomDeleted += deployment.OnRoomDeleted;
        return deployment;
    }

    /// <summary>Completes when the stand-in's RoomService has deleted <paramref name="room"/> (or already had).</summary>
    public Task WhenDeleted(string room) => _deleted.GetOrAdd(room, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes with the name of the first room the stand-in's RoomService deletes.</summary>
    public Task<string> FirstDeletion => _firstDeletion.Task;

    /// <summary>POST /connect for livekit: the room id and the livekit credentials.</summary>
    public async Task<(string RoomId, JsonElement Credentials)> ConnectAsync(CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync("connect", new { platforms = new[] { "livekit" } }, ct);
        string text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/connect: {(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("room_id").GetString()!, body.GetProperty("platforms").GetProperty("livekit").Clone());
    }

    /// <summary>The room's entry in GET /rooms, or null when the agent has closed it.</summary>
    public async Task<JsonElement?> AgentRoomAsync(string roomId, CancellationToken ct)
    {
        var rooms = await Http.GetFromJsonAsync<JsonElement>("rooms", ct);
        foreach (var room in rooms.GetProperty("rooms").EnumerateArray())
        {
            if (room.GetProperty("room_id").GetString() == roomId)
            {
                return room.Clone();
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Agent.DisposeAsync();
        await Server.DisposeAsync();
    }

    private void OnRoomDeleted(string name, IReadOnlyList<ParticipantInfo> participants)
    {
        _deleted.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        _firstDeletion.TrySetResult(name);
    }
}

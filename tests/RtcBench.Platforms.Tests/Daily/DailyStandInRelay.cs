using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RtcBench.Platforms.Tests.Daily;

/// <summary>
/// STAND-IN for Daily's servers, paired with the in-page daily-js stand-in (src/RtcBench.Platforms/Daily/web/
/// daily-standin.js): a WebSocket relay on loopback Kestrel that puts pages in rooms by name and relays app
/// messages between them like Daily does for sendAppMessage: to one session id, to a list, or to '*' (everyone
/// but the sender); messages to absent participants are dropped. Protocol (JSON text frames):
/// join {room, token, userName} → joined {sessionId, participants} | refused {error};
/// app-message {to, data} → app-message {fromId, data} at the targets; participant-joined/left to the others.
/// </summary>
internal sealed class DailyStandInRelay : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Member>> _rooms = new(StringComparer.Ordinal);

    private DailyStandInRelay(WebApplication app) => _app = app;

    /// <summary>ws://127.0.0.1:port/relay</summary>
    public Uri RelayUrl { get; private set; } = null!;

    /// <summary>When set, every join is refused with this error (the join-error path).</summary>
    public string? RefuseJoinsWith { get; set; }

    /// <summary>App messages relayed so far.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    private long _relayed;

    public static async Task<DailyStandInRelay> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var relay = new DailyStandInRelay(app);
        app.UseWebSockets();
        app.Map("/relay", relay.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        relay.RelayUrl = new Uri("ws" + address["http".Length..].TrimEnd('/') + "/relay");
        return relay;
    }

    /// <summary>How many participants are in <paramref name="room"/> now.</summary>
    public int CountIn(string room) => _rooms.TryGetValue(room, out var members) ? members.Count : 0;

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Member? me = null;
        string? room = null;
        try
        {
            while (await ReceiveAsync(socket, context.RequestAborted) is { } text)
            {
                JsonObject? msg;
                try
                {
                    msg = JsonNode.Parse(text) as JsonObject;
                }
                catch (JsonException)
                {
                    continue;
                }
                string? type = msg?["type"]?.GetValue<string>();
                if (type == "join" && me is null)
                {
                    if (RefuseJoinsWith is { } refusal)
                    {
                        await SendAsync(socket, new JsonObject { ["type"] = "refused", ["error"] = refusal });
                        break;
                    }
                    room = msg!["room"]?.GetValue<string>() ?? "";
                    me = new Member(Guid.NewGuid().ToString(), msg["userName"]?.GetValue<string>() ?? "", socket);
                    var members = _rooms.GetOrAdd(room, _ => new(StringComparer.Ordinal));
                    var others = new JsonArray(members.Values.Select(m => (JsonNode)m.Describe()).ToArray());
                    members[me.SessionId] = me;
                    await SendAsync(socket, new JsonObject { ["type"] = "joined", ["sessionId"] = me.SessionId, ["participants"] = others });
                    await BroadcastAsync(room, me, new JsonObject { ["type"] = "participant-joined", ["participant"] = me.Describe() });
                }
                else if (type == "app-message" && me is not null && room is not null)
                {
                    var targets = Targets(room, me, msg!["to"]);
                    var forward = new JsonObject { ["type"] = "app-message", ["fromId"] = me.SessionId, ["data"] = msg["data"]?.DeepClone() };
                    foreach (var target in targets)
                    {
                        await target.SendAsync(forward.ToJsonString());
                        Interlocked.Increment(ref _relayed);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // the page went away
        }
        finally
        {
            if (me is not null && room is not null && _rooms.TryGetValue(room, out var members) && members.TryRemove(me.SessionId, out _))
            {
                await BroadcastAsync(room, me, new JsonObject { ["type"] = "participant-left", ["participant"] = me.Describe() });
            }
            me?.Dispose();
        }
    }

    private List<Member> Targets(string room, Member sender, JsonNode? to)
    {
        var members = _rooms.TryGetValue(room, out var m) ? m : new();
        if (to is null || (to is JsonValue v && v.TryGetValue(out string? s) && s == "*"))
        {
            return members.Values.Where(x => x != sender).ToList();
        }
        var ids = to is JsonArray array ? array.Select(n => n?.GetValue<string>()).ToList() : [to.GetValue<string>()];
        return ids.Where(id => id is not null && id != sender.SessionId && members.ContainsKey(id)).Select(id => members[id!]).ToList();
    }

    private async Task BroadcastAsync(string room, Member sender, JsonObject message)
    {
        if (!_rooms.TryGetValue(room, out var members))
        {
            return;
        }
        string text = message.ToJsonString();
        foreach (var member in members.Values.Where(m => m != sender))
        {
            await member.SendAsync(text);
        }
    }

    private static Task SendAsync(WebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[8192];
        using var ms = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            ms.Write(buffer, 0, result.Count);
            if (ms.Length > 64 * 1024)
            {
                return null;
            }
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Member(string sessionId, string userName, WebSocket socket) : IDisposable
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public void Dispose() => _sendLock.Dispose();

        public string SessionId => sessionId;

        public JsonObject Describe() => new() { ["session_id"] = sessionId, ["user_name"] = userName };

        public async Task SendAsync(string text)
        {
            await _sendLock.WaitAsync();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
                // the target went away; like Daily, the message is dropped
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }
}

using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RtcBench.Agent.Contracts;
using RtcBench.Agent.Platforms;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Rooms;
using RtcBench.Platforms.Daily;

namespace RtcBench.Agent.Http;

/// <summary>The agent's HTTP API: POST /connect, POST /disconnect, GET /health, GET /rooms.</summary>
internal sealed class AgentEndpoints(AgentOptions options, RoomRegistry registry, UdpEchoServer udp, RequestBody bodies, long startedNs)
{
    public void Map(WebApplication app)
    {
        app.MapPost("/connect", (Func<HttpContext, Task<IResult>>)ConnectAsync);
        app.MapPost("/disconnect", (Func<HttpContext, Task<IResult>>)DisconnectAsync);
        app.MapGet("/health", Health);
        app.MapGet("/rooms", ListRooms);
    }

    private async Task<IResult> ConnectAsync(HttpContext context)
    {
        var (body, error) = await bodies.ReadJsonAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error.ToResult();
        }
        var request = ConnectRequestParser.TryParse(body!, out error);
        if (request is null)
        {
            return error!.ToResult();
        }
        var platforms = ResolvePlatforms(request.Platforms, out error);
        if (platforms is null)
        {
            return error!.ToResult();
        }
        var ttl = request.TtlSeconds is long t ? TimeSpan.FromSeconds(t) : options.DefaultRoomTtl;
        if (ttl > options.MaxRoomTtl)
        {
            ttl = options.MaxRoomTtl;
        }
        var idle = request.IdleTimeoutSeconds is long i ? TimeSpan.FromSeconds(i) : options.DefaultIdleTimeout;
        var result = await registry.TryCreateAsync(
            platforms, ttl, idle, AdvertisedHost(context), request.Client, request.DailyTopology ?? DailyTopology.Sfu, request.JanusPath, context.RequestAborted)
            .ConfigureAwait(false);
        if (!result.Created)
        {
            context.Response.Headers.RetryAfter = ((long)result.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Results.Problem(
                detail: $"this agent is at its limit of {options.MaxRooms} open rooms; retry later",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service Unavailable");
        }
        var room = result.Room!;
        return Results.Ok(new ConnectResponse(
            room.IdText,
            room.CreatedAt.UtcDateTime,
            room.ExpiresAt.UtcDateTime,
            new AgentInfo(AgentHost.Version, options.Location),
            result.Credentials!));
    }

    private async Task<IResult> DisconnectAsync(HttpContext context)
    {
        var (body, error) = await bodies.ReadJsonAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error.ToResult();
        }
        var roomId = DisconnectRequestParser.TryParse(body!, out error);
        if (roomId is not Guid id)
        {
            return error!.ToResult();
        }
        if (!registry.Close(id, "disconnect"))
        {
            return Results.Problem(
                detail: $"room '{id:N}' is not open on this agent (unknown, expired or already closed)",
                statusCode: StatusCodes.Status404NotFound,
                title: "Not Found");
        }
        return Results.Ok(new DisconnectResponse(id.ToString("N"), Closed: true));
    }

    private IResult Health()
    {
        var clock = registry.Clock;
        double uptime = Math.Round((clock.NowNs() - startedNs) / 1e9, 3);
        var names = new List<string>();
        foreach (var p in registry.Platforms)
        {
            if (p.Enabled)
            {
                names.Add(p.Name);
            }
        }
        var livekit = (registry.FindPlatform(LiveKitEchoPlatform.PlatformName) as LiveKitEchoPlatform)?.Health();
        var janus = (registry.FindPlatform(JanusEchoPlatform.PlatformName) as JanusEchoPlatform)?.Health();
        return Results.Ok(new HealthResponse("ok", AgentHost.Version, uptime, names, registry.Count, udp.GetCounters(), livekit, janus));
    }

    private IResult ListRooms()
    {
        var clock = registry.Clock;
        long nowNs = clock.NowNs();
        var nowUtc = clock.UtcNow();
        var rooms = new List<RoomSummary>();
        foreach (var room in registry.Rooms)
        {
            var activity = registry.GetActivity(room);
            var lastActivity = nowUtc - TimeSpan.FromTicks(Math.Max(0, nowNs - activity.LastActivityNs) / 100);
            rooms.Add(new RoomSummary(
                room.IdText,
                room.CreatedAt.UtcDateTime,
                room.ExpiresAt.UtcDateTime,
                Math.Round((nowNs - room.CreatedNs) / 1e9, 3),
                room.Platforms,
                activity.PingsEchoed,
                lastActivity.UtcDateTime,
                room.IdleTimeout.TotalSeconds,
                room.Client,
                Details(room)));
        }
        rooms.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return Results.Ok(new RoomsResponse(rooms));
    }

    private Dictionary<string, object>? Details(Room room)
    {
        Dictionary<string, object>? details = null;
        foreach (var name in room.Platforms)
        {
            if (registry.FindPlatform(name)?.Describe(room.Id) is { } described)
            {
                (details ??= new Dictionary<string, object>(StringComparer.Ordinal))[name] = described;
            }
        }
        return details;
    }

    private List<IEchoPlatform>? ResolvePlatforms(IReadOnlyList<string>? names, out RequestError? error)
    {
        var chosen = new List<IEchoPlatform>();
        if (names is null)
        {
            foreach (var p in registry.Platforms)
            {
                if (p.Enabled)
                {
                    chosen.Add(p);
                }
            }
            error = null;
            return chosen;
        }
        foreach (var name in names)
        {
            var platform = registry.FindPlatform(name);
            if (platform is null || !platform.Enabled)
            {
                string offered = string.Join(", ", registry.Platforms.Where(p => p.Enabled).Select(p => p.Name));
                error = RequestError.BadRequest(platform is null
                    ? $"unknown platform '{JsonBody.Quote(name)}'; this agent offers: {offered}"
                    : $"platform '{name}' is not enabled on this agent; this agent offers: {offered}");
                return null;
            }
            chosen.Add(platform);
        }
        error = null;
        return chosen;
    }

    private string AdvertisedHost(HttpContext context)
    {
        if (!string.IsNullOrEmpty(options.PublicHost))
        {
            return options.PublicHost;
        }
        var listen = options.Listen.Address;
        if (listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any))
        {
            string host = context.Request.Host.Host;
            if (!string.IsNullOrEmpty(host))
            {
                return host.Trim('[', ']');
            }
            return context.Connection.LocalIpAddress?.ToString() ?? listen.ToString();
        }
        return listen.ToString();
    }
}

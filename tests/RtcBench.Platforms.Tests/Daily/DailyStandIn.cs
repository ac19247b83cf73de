using System.Collections.Concurrent;
using System.Net;
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
/// STAND-IN for Daily's REST API (https://api.daily.co/v1), which this machine cannot reach. It follows Daily's
/// documented contract for the calls RtcBench makes (docs.daily.co/reference/rest-api: rooms, meeting-tokens,
/// errors): Bearer authentication (missing header → 400 authorization-header-error, wrong key → 401
/// authentication-error), error bodies <c>{"error": type, "info": text}</c>, room objects with a url on the
/// domain, <c>DELETE /rooms/:name</c> → <c>{"deleted": true, "name"}</c> or 404, and 429 rate-limit-error with
/// <c>Retry-After</c> when a test asks for it. Real Kestrel on loopback.
/// </summary>
internal sealed class DailyStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _rooms = new();
    private int _rateLimitRemaining;
    private string? _retryAfter;

    private DailyStandIn(WebApplication app) => _app = app;

    public const string ApiKey = "standin-key-0123456789";

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<(string Method, string Path, JsonObject? Body)> Requests { get; } = new();

    /// <summary>Completes when the next request arrives (reset by <see cref="ExpectRequest"/>).</summary>
    public TaskCompletionSource RequestSeen { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyDictionary<string, JsonObject> Rooms => _rooms;

    public void ExpectRequest() => RequestSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next <paramref name="count"/> requests answer 429 (with Retry-After when given).</summary>
    public void RateLimitNext(int count, string? retryAfter)
    {
        _retryAfter = retryAfter;
        Interlocked.Exchange(ref _rateLimitRemaining, count);
    }

    public static async Task<DailyStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new DailyStandIn(app);
        app.Use(standIn.Gate);
        app.MapPost("/v1/rooms", standIn.CreateRoom);
        app.MapPost("/v1/meeting-tokens", standIn.CreateToken);
        app.MapDelete("/v1/rooms/{name}", standIn.DeleteRoom);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return standIn;
    }

    private async Task Gate(HttpContext ctx, RequestDelegate next)
    {
        JsonObject? body = null;
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(ctx.Request.Body);
            string text = await reader.ReadToEndAsync();
            try
            {
                body = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                Requests.Enqueue((ctx.Request.Method, ctx.Request.Path, null));
                RequestSeen.TrySetResult();
                await Error(ctx, 400, "json-parsing-error", "Request body is not valid JSON");
                return;
            }
            ctx.Items["body"] = body;
        }
        Requests.Enqueue((ctx.Request.Method, ctx.Request.Path, body));
        RequestSeen.TrySetResult();
        string auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await Error(ctx, 400, "authorization-header-error", "Malformed or missing Authorization header");
            return;
        }
        if (auth["Bearer ".Length..] != ApiKey)
        {
            await Error(ctx, 401, "authentication-error", "Invalid API key");
            return;
        }
        if (Interlocked.Decrement(ref _rateLimitRemaining) >= 0)
        {
            if (_retryAfter is not null)
            {
                ctx.Response.Headers.RetryAfter = _retryAfter;
            }
            await Error(ctx, 429, "rate-limit-error", "Too many requests");
            return;
        }
        await next(ctx);
    }

    private IResult CreateRoom(HttpContext ctx)
    {
        var body = ctx.Items["body"] as JsonObject;
        string? name = body?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) || name.Length > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return ErrorResult(400, "invalid-request-error", "name must be A-Z, a-z, 0-9, '-' or '_'");
        }
        var room = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["name"] = name,
            ["api_created"] = true,
            ["privacy"] = body?["privacy"]?.GetValue<string>() ?? "public",
            ["url"] = $"https://standin.daily.co/{name}",
            ["created_at"] = "2026-11-21T12:00:00.000Z",
            ["config"] = body?["properties"]?.DeepClone() ?? new JsonObject(),
        };
        if (!_rooms.TryAdd(name, room))
        {
            return ErrorResult(400, "invalid-request-error", $"a room named {name} already exists");
        }
        return Results.Json(room);
    }

    private IResult CreateToken(HttpContext ctx)
    {
        var props = (ctx.Items["body"] as JsonObject)?["properties"] as JsonObject;
        if (props?["room_name"] is null)
        {
            return ErrorResult(400, "invalid-request-error", "properties.room_name is required by this stand-in");
        }
        return Results.Json(new JsonObject { ["token"] = "eyJ.standin." + props["room_name"]!.GetValue<string>() });
    }

    private IResult DeleteRoom(string name) => _rooms.TryRemove(name, out _)
        ? Results.Json(new JsonObject { ["deleted"] = true, ["name"] = name })
        : ErrorResult(404, "not-found", $"room {name} was not found");

    private static IResult ErrorResult(int status, string error, string info) =>
        Results.Json(new JsonObject { ["error"] = error, ["info"] = info }, statusCode: status);

    private static Task Error(HttpContext ctx, int status, string error, string info)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(new JsonObject { ["error"] = error, ["info"] = info });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

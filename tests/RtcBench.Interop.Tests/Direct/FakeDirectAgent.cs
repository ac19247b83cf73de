using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RtcBench.Interop.Tests.Peers;

namespace RtcBench.Interop.Tests.Direct;

/// <summary>
/// A stand-in echo agent for the <c>direct</c> platform whose echo is another stack: Kestrel on 127.0.0.1:0 with the
/// endpoints the runner uses (docs/agent-api.md: <c>GET /health</c>, <c>POST /connect</c>, <c>POST
/// /direct/{room}/offer</c>, <c>POST /disconnect</c>). An offer is handed to the node peer, which answers it as it
/// would (its own DTLS role and ICE), and answers every ping on a channel the runner opens with a pong on that channel
/// (node/peer-core.mjs, mode <c>pong</c>: the ping's bytes with <c>rx</c>, <c>tx</c> and <c>wc</c> patched in, as
/// our agent writes them).
/// </summary>
internal sealed class FakeDirectAgent : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IInteropPeer _echo;
    private readonly ConcurrentDictionary<string, string> _tokens = new();

    private FakeDirectAgent(WebApplication app, IInteropPeer echo)
    {
        _app = app;
        _echo = echo;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The answers the echo gave, in order (for the test's own checks of roles and ICE).</summary>
    public ConcurrentQueue<string> Answers { get; } = new();

    /// <summary>Per room, in order: every connection state (RTCPeerConnectionState) the echo went through, as "new → … → closed".</summary>
    public ConcurrentQueue<string> ConnectionStates { get; } = new();

    public static async Task<FakeDirectAgent> StartAsync(IInteropPeer echo)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var agent = new FakeDirectAgent(app, echo);
        app.MapGet("/health", () => Results.Json(new JsonObject
        {
            ["status"] = "ok", ["version"] = $"fake-{echo.Stack}", ["platforms"] = new JsonArray("direct"),
        }));
        app.MapPost("/connect", agent.Connect);
        app.MapPost("/direct/{room}/offer", agent.OfferAsync);
        app.MapPost("/disconnect", agent.DisconnectAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        agent.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (string room in _tokens.Keys)
        {
            await Close(room);
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Connect()
    {
        string room = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[room] = token;
        var now = DateTimeOffset.UtcNow;
        return Results.Json(new JsonObject
        {
            ["room_id"] = room,
            ["created_at"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["expires_at"] = now.AddMinutes(10).ToString("O", CultureInfo.InvariantCulture),
            ["agent"] = new JsonObject { ["version"] = $"fake-{_echo.Stack}", ["location"] = "interop-test" },
            ["platforms"] = new JsonObject { ["direct"] = new JsonObject { ["signal_url"] = $"/direct/{room}/offer", ["token"] = token } },
        });
    }

    private async Task<IResult> OfferAsync(string room, HttpRequest request)
    {
        if (!_tokens.TryGetValue(room, out string? token))
        {
            return Results.Problem(statusCode: 404, detail: "unknown room");
        }

        if (request.Headers.Authorization.ToString() != "Bearer " + token)
        {
            return Results.Problem(statusCode: 401, detail: "bad room token");
        }

        string offer = await new StreamReader(request.Body).ReadToEndAsync();
        try
        {
            await _echo.CallAsync(new JsonObject { ["cmd"] = "create", ["pc"] = room, ["remoteMode"] = "pong" });
            var answer = await _echo.CallAsync(new JsonObject { ["cmd"] = "answer", ["pc"] = room, ["sdp"] = offer });
            string sdp = answer["sdp"]!.GetValue<string>();
            Answers.Enqueue(sdp);
            return Results.Text(sdp, "application/sdp", statusCode: 201);
        }
        catch (PeerCommandException ex)
        {
            return Results.Problem(statusCode: 400, detail: ex.Message);
        }
    }

    private async Task<IResult> DisconnectAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        string room = body?["room_id"]?.GetValue<string>() ?? "";
        bool known = await Close(room);
        return known ? Results.Json(new JsonObject { ["room_id"] = room, ["closed"] = true }) : Results.Problem(statusCode: 404, detail: "unknown room");
    }

    private async Task<bool> Close(string room)
    {
        if (!_tokens.TryRemove(room, out _))
        {
            return false;
        }

        try
        {
            var state = await _echo.CallAsync(new JsonObject { ["cmd"] = "describe", ["pc"] = room }, TimeSpan.FromSeconds(15));
            ConnectionStates.Enqueue(string.Join(" → ", state["states"]!.AsArray().Select(x => x!.GetValue<string>())));
        }
        catch (PeerCommandException ex)
        {
            ConnectionStates.Enqueue("unknown: " + ex.Message);
        }

        try
        {
            await _echo.CallAsync(new JsonObject { ["cmd"] = "closePeer", ["pc"] = room }, TimeSpan.FromSeconds(15));
        }
        catch (PeerCommandException)
        {
            // The echo is gone; the test reports what the runner saw.
        }

        return true;
    }
}

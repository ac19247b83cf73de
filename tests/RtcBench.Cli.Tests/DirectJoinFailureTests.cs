using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RtcBench.Rtc.Peer;

namespace RtcBench.Cli.Tests;

/// <summary>
/// How a failed <c>direct</c> join reads on the command line, against a stand-in agent (Kestrel) whose signalling we
/// script: one line, the platform named once (it read <c>direct: direct: …</c>), and the agent's max-message-size honoured.
/// </summary>
public sealed class DirectJoinFailureTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_DirectAgentRefusesTheOffer_OneLineNamingThePlatformOnce()
    {
        await using var agent = await ScriptedAgent.StartAsync(_ => Results.Text("offers are closed", statusCode: 403));

        var result = await _cli.RunAsync("run", "--agent", agent.Url, "--platform", "direct", "--count", "5", "--no-store", "--quiet");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("direct: the agent refused the offer (403): offers are closed", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("direct: direct:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DirectPayloadAboveTheAgentsMaxMessageSize_RefusedBeforeSending()
    {
        // A real answerer that advertises a=max-message-size:1000.
        var answerers = new List<PeerConnection>();
        await using var agent = await ScriptedAgent.StartAsync(offer =>
        {
            var answerer = PeerConnection.AcceptOffer(offer, new PeerConnectionOptions { LocalAddress = System.Net.IPAddress.Loopback, MaxMessageSize = 1000 });
            lock (answerers)
            {
                answerers.Add(answerer);
            }

            return Results.Text(answerer.LocalDescription!, "application/sdp", Encoding.UTF8, 201);
        });

        try
        {
            var result = await _cli.RunAsync("run", "--agent", agent.Url, "--platform", "direct", "--count", "5", "--payload-bytes", "2000",
                "--no-store", "--quiet");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("direct: the agent accepts messages of at most 1000 bytes (its a=max-message-size); --payload-bytes 2000 is larger.",
                result.Stderr, StringComparison.Ordinal);
            Assert.Single(answerers);
        }
        finally
        {
            foreach (var answerer in answerers)
            {
                await answerer.DisposeAsync();
            }
        }
    }

    /// <summary>/health says ok; /connect hands out direct credentials; the offer goes to <c>answerOffer</c>; /disconnect says ok.</summary>
    private sealed class ScriptedAgent(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<ScriptedAgent> StartAsync(Func<string, IResult> answerOffer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/health", () => Results.Json(new Dictionary<string, object> { ["status"] = "ok", ["platforms"] = new[] { "direct" } }));
            app.MapPost("/connect", () => Results.Json(new Dictionary<string, object>
            {
                ["room_id"] = "0123456789abcdef0123456789abcdef",
                ["expires_at"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O"),
                ["platforms"] = new Dictionary<string, object>
                {
                    ["direct"] = new Dictionary<string, string> { ["signal_url"] = "/direct/0123456789abcdef0123456789abcdef/offer", ["token"] = "t" },
                },
            }));
            app.MapPost("/direct/{room}/offer", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                return answerOffer(await reader.ReadToEndAsync());
            });
            app.MapPost("/disconnect", () => Results.Json(new Dictionary<string, object>()));
            await app.StartAsync();
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ScriptedAgent(app, address.TrimEnd('/') + "/");
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

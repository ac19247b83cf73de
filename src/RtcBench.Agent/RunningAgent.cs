using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RtcBench.Agent.Metrics;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Rooms;
using RtcBench.Hosting;

namespace RtcBench.Agent;

/// <summary>
/// A started echo agent. Stop it (or dispose it) to close every room, stop the HTTP server and release both sockets
/// (<see cref="RunningHost.StopAsync"/>).
/// </summary>
public sealed class RunningAgent : RunningHost
{
    private readonly WebApplication _app;
    private readonly RoomLifetimeLoop _loop;
    private readonly ILogger _logger;

    private readonly AgentMetrics _metrics;

    internal RunningAgent(
        WebApplication app, UdpEchoServer udp, RoomRegistry rooms, RoomLifetimeLoop loop, AgentMetrics metrics, Uri baseUrl, ILogger logger)
    {
        _metrics = metrics;
        _app = app;
        UdpServer = udp;
        Rooms = rooms;
        _loop = loop;
        _logger = logger;
        BaseUrl = baseUrl;
        UdpEndpoint = udp.LocalEndpoint;
        // A host-initiated stop (e.g. the process lifetime) stops the whole agent too.
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => _ = StopAsync());
    }

    /// <summary>The HTTP API's actual URL (the bound port when the agent was asked for port 0).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The UDP echo socket's bound endpoint.</summary>
    public IPEndPoint UdpEndpoint { get; }

    /// <summary>The platforms this agent offers (as listed by GET /health), e.g. ["udp", "direct", "livekit"].</summary>
    public IReadOnlyList<string> EnabledPlatforms => [.. Rooms.Platforms.Where(p => p.Enabled).Select(p => p.Name)];

    internal RoomRegistry Rooms { get; }

    internal UdpEchoServer UdpServer { get; }

    /// <inheritdoc/>
    protected override async Task StopCoreAsync()
    {
        try
        {
            await _loop.DisposeAsync().ConfigureAwait(false);
            Rooms.CloseAll();
            foreach (var platform in Rooms.Platforms)
            {
                if (platform is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync().ConfigureAwait(false);
                }
            }

            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _metrics.Dispose();
            UdpServer.Dispose();
        }

        AgentLog.Stopped(_logger);
    }
}

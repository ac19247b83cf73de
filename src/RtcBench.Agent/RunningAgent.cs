using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RtcBench.Agent.Rooms;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent;

/// <summary>A started echo agent. Stop it (or dispose it) to close every room and release both sockets.</summary>
public sealed class RunningAgent : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RoomLifetimeLoop _loop;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    internal RunningAgent(WebApplication app, UdpEchoServer udp, RoomRegistry rooms, RoomLifetimeLoop loop, Uri baseUrl, ILogger logger)
    {
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

    /// <summary>Closes every room, stops the HTTP server and the UDP echo. Idempotent; every call awaits the same stop.</summary>
    public Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ = StopCoreAsync();
        }
        return _stopped.Task;
    }

    /// <summary>
    /// Completes when the agent has stopped. Cancelling <paramref name="ct"/> is a request to stop: the agent stops
    /// and the task completes normally.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        using (ct.Register(() => _ = StopAsync()))
        {
            await _stopped.Task.ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync()
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
            UdpServer.Dispose();
            AgentLog.Stopped(_logger);
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            UdpServer.Dispose();
            _stopped.TrySetException(ex);
        }
    }
}

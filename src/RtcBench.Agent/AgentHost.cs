using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RtcBench.Agent.Http;
using RtcBench.Agent.Metrics;
using RtcBench.Agent.Platforms;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Rooms;
using RtcBench.Core.Timing;
using RtcBench.Hosting;

namespace RtcBench.Agent;

/// <summary>Starts the echo agent: the HTTP API on Kestrel and the UDP echo server.</summary>
public static class AgentHost
{
    /// <summary>The agent's version, reported by /connect and /health.</summary>
    public static string Version => Core.ToolInfo.Version;

    /// <summary>
    /// Validates <paramref name="options"/> (throwing <see cref="AgentConfigurationException"/> with every problem
    /// before binding anything), binds the UDP echo socket and the HTTP listener, and returns once both serve.
    /// </summary>
    public static Task<RunningAgent> StartAsync(
        AgentOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default) =>
        StartAsync(options, loggerFactory, TimeProvider.System, ct);

    /// <summary>As the public overload, on a given clock (tests drive room lifetime with a manual one).</summary>
    internal static async Task<RunningAgent> StartAsync(
        AgentOptions options, ILoggerFactory? loggerFactory, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new AgentConfigurationException(problems);
        }
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("RtcBench.Agent");
        var clock = new MonoTime(time);
        long startedNs = clock.NowNs();

        var udp = new UdpEchoServer(new IPEndPoint(options.Listen.Address, options.UdpPort), options.Faults, time);
        WebApplication? app = null;
        LiveKitEchoPlatform? livekit = null;
        JanusEchoPlatform? janus = null;
        AgentMetrics? metrics = null;
        try
        {
            var daily = new DailyEchoPlatform(options.Daily ?? DailyAgentOptions.Off, clock, logger);
            var direct = new DirectEchoPlatform(options.Listen.Address, options.DirectDtlsRole, options.DirectSocket, clock, logger, options.DirectEngine);
            livekit = new LiveKitEchoPlatform(options.LiveKit, clock, logger);
            janus = new JanusEchoPlatform(options.Janus ?? JanusAgentOptions.Off, clock, logger);
            var registry = new RoomRegistry([new UdpEchoPlatform(udp), direct, daily, livekit, janus], clock, options.MaxRooms, logger);
            metrics = new AgentMetrics(registry, udp, Version);
            app = BuildApp(options, loggerFactory, logger, registry, udp, direct, metrics, time, startedNs);
            await app.StartAsync(ct).ConfigureAwait(false);
            var baseUrl = new Uri(app.Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var loop = new RoomLifetimeLoop(registry, time, logger);
            var running = new RunningAgent(app, udp, registry, loop, metrics, baseUrl, logger);
            AgentLog.Started(logger, baseUrl, udp.LocalEndpoint, options.ApiKey is null ? "off" : "required", string.Join(", ", running.EnabledPlatforms));
            return running;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            if (livekit is not null)
            {
                await livekit.DisposeAsync().ConfigureAwait(false); // No rooms yet: releases its HTTP client.
            }
            if (janus is not null)
            {
                await janus.DisposeAsync().ConfigureAwait(false);
            }
            metrics?.Dispose();
            udp.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApp(
        AgentOptions options, ILoggerFactory loggerFactory, ILogger logger, RoomRegistry registry, UdpEchoServer udp,
        DirectEchoPlatform direct, AgentMetrics metrics, TimeProvider time, long startedNs)
    {
        var builder = MinimalApiHost.CreateBuilder(
            "RtcBench.Agent", options.Listen, RequestBody.MaxBytes, new ClientFaultLogFilter(loggerFactory));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.RequestHeadersTimeout = options.RequestBodyTimeout);

        var app = builder.Build();
        var errors = new ErrorHandling(logger);
        app.UseExceptionHandler(errors.Options);
        app.UseStatusCodePages(ErrorHandling.StatusCodePageAsync);
        if (options.ApiKey is not null)
        {
            var check = new ApiKeyCheck(options.ApiKey, options.MetricsOpen, logger);
            app.Use(check.InvokeAsync);
        }
        app.UseRouting();
        var bodies = new RequestBody(options.RequestBodyTimeout, time, logger);
        new AgentEndpoints(options, registry, udp, bodies, startedNs).Map(app);
        new DirectSignalEndpoints(direct, bodies).Map(app);
        app.MapGet(MetricsExposition.Path, metrics.WriteAsync);
        return app;
    }
}

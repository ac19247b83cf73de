using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RtcBench.Hosting;
using RtcBench.Server.Events;
using RtcBench.Server.Metrics;

namespace RtcBench.Server;

/// <summary>A started results service. Stop (or dispose) it to close the listener; the store stays the caller's.</summary>
public sealed class RunningServer : RunningHost
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;

    private readonly ServerMetrics _metrics;

    internal RunningServer(WebApplication app, Uri baseUrl, RunEventHub events, ServerMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _app = app;
        Events = events;
        _logger = logger;
        BaseUrl = baseUrl;
    }

    /// <summary>The actual URL (the bound port when asked for port 0).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The live subscribers of <c>GET /api/events</c> (tests await a disconnect through it).</summary>
    internal RunEventHub Events { get; }

    /// <summary>
    /// Every API route served, as "METHOD /pattern" (for the test that checks the OpenAPI document covers them);
    /// the dashboard's routes are excluded from the description.
    /// </summary>
    internal IReadOnlyList<string> Routes =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToList();

    /// <inheritdoc/>
    protected override async Task StopCoreAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        ServerLog.Stopped(_logger);
    }
}

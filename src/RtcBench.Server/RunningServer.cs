using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RtcBench.Server.Events;

namespace RtcBench.Server;

/// <summary>A started results service. Stop (or dispose) it to close the listener; the store stays the caller's.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    internal RunningServer(WebApplication app, Uri baseUrl, RunEventHub events, ILogger logger)
    {
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

    /// <summary>Stops serving. Idempotent; every call awaits the same stop.</summary>
    public Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ = StopCoreAsync();
        }
        return _stopped.Task;
    }

    /// <summary>Completes when the service has stopped; cancelling <paramref name="ct"/> asks it to stop.</summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        using (ct.Register(() => _ = StopAsync()))
        {
            await _stopped.Task.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            ServerLog.Stopped(_logger);
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            _stopped.TrySetException(ex);
        }
    }
}

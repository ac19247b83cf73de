using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RtcBench.Hosting;
using RtcBench.Server.Contracts;
using RtcBench.Server.Dashboard;
using RtcBench.Server.Events;
using RtcBench.Server.Http;
using RtcBench.Server.Ingest;
using RtcBench.Server.Metrics;
using RtcBench.Storage;

namespace RtcBench.Server;

/// <summary>Starts the results service (ingest + query API + live events + dashboard) on Kestrel over a result store.</summary>
public static class ServerHost
{
    /// <summary>How long /health waits for the store.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Validates <paramref name="options"/> (throwing <see cref="ServerConfigurationException"/> listing every
    /// problem before binding anything), binds the listener and returns once it serves. The caller keeps ownership
    /// of <paramref name="store"/> and disposes it after stopping the service. A store that cannot be reached yet
    /// is not an error: requests answer 503 until it can.
    /// </summary>
    public static async Task<RunningServer> StartAsync(
        ServerOptions options, IResultStore store, ILoggerFactory? loggerFactory = null, TimeProvider? time = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ServerConfigurationException(problems);
        }
        loggerFactory ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        var logger = loggerFactory.CreateLogger("RtcBench.Server");
        var events = new RunEventHub(options.MaxEventClients);
        string storeName = store.ToString() ?? store.GetType().Name;
        var outage = new StoreOutage(storeName, logger, time);
        var monitored = new MonitoredResultStore(store, outage);
        var runners = new Runners.RunnerRegistry(options.MaxRunners, options.RunnerExpiry, time);
        var metrics = new ServerMetrics(monitored, runners, Core.ToolInfo.Version);
        var app = BuildApp(options, monitored, StoreKindName(store), outage, events, metrics, runners, loggerFactory, logger, time);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            metrics.Dispose();
            throw;
        }
        var baseUrl = new Uri(app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First());
        ServerLog.Started(logger, baseUrl, storeName, options.IngestToken is null ? "off" : "required");
        if (options.PingRetention is { } retention)
        {
            // Once now (so the service starts within its retention), then hourly until the service stops.
            var pruner = new Retention.PingPruner(store, retention, time, logger);
            await pruner.PruneOnceAsync(ct).ConfigureAwait(false);
            _ = pruner.RunAsync(app.Lifetime.ApplicationStopping);
        }
        return new RunningServer(app, baseUrl, events, metrics, logger);
    }

    private static string StoreKindName(IResultStore store) => store is Storage.Sqlite.SqliteResultStore ? "sqlite" : "postgres";

    private static WebApplication BuildApp(
        ServerOptions options, IResultStore store, string storeKind, StoreOutage outage, RunEventHub events,
        ServerMetrics metrics, Runners.RunnerRegistry runners, ILoggerFactory loggerFactory, ILogger logger, TimeProvider time)
    {
        var builder = MinimalApiHost.CreateBuilder("RtcBench.Server", options.Listen, options.HardBodyLimit, loggerFactory);
        var app = builder.Build();
        app.Use(metrics.CountIngestAsync);   // outermost: sees the final status of every ingest
        var errors = new ErrorHandling(logger, options.MaxBodyBytes);
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = errors.HandleAsync });
        app.UseStatusCodePages(ErrorHandling.StatusCodePageAsync);
        app.Use(new StoreUnavailableAnswer(outage).InvokeAsync);
        if (options.IngestToken is not null)
        {
            app.Use(new IngestTokenCheck(options.IngestToken, options.MetricsRequireToken, logger).InvokeAsync);
        }
        app.UseRouting();
        app.Use(new QueryAudit().InvokeAsync);
        Map(app, options, store, storeKind, outage, events, metrics, runners, logger, time);
        return app;
    }

    private static void Map(
        WebApplication app, ServerOptions options, IResultStore store, string storeKind, StoreOutage outage, RunEventHub events,
        ServerMetrics metrics, Runners.RunnerRegistry runners, ILogger logger, TimeProvider time)
    {
        var ingest = new IngestEndpoint(store, options.MaxBodyBytes, events, time, logger);
        var stream = new EventStreamEndpoint(events, options.EventHeartbeat, time, logger, app.Lifetime.ApplicationStopping);
        var results = new ResultEndpoints(store, time, options.RollupGrainSeconds, options.GroupRollupsInStore, options.RollupsInOnePass, options.AllLocationsRollups, options.ConcurrentAggregation);
        var runs = new RunEndpoints(store);
        app.MapPost("/api/runs", Handler(ingest.HandleAsync));
        app.MapPost("/api/runners/heartbeat", Handler(new Runners.HeartbeatEndpoint(runners).HandleAsync));
        app.MapGet("/api/runs", Handler(runs.ListAsync));
        app.MapGet("/api/runs/{id}", (HttpContext c, string id) => runs.GetAsync(c, id));
        app.MapGet("/api/results/aggregated", Handler(results.AggregatedAsync));
        app.MapGet("/api/results/timeseries", Handler(results.TimeseriesAsync));
        app.MapGet("/api/results/distribution", Handler(results.DistributionAsync));
        app.MapGet("/api/results/locations", Handler(results.LocationsAsync));
        app.MapGet("/api/results/latest", Handler(results.LatestAsync));
        app.MapGet("/api/results/compare", Handler(results.CompareAsync));
        app.MapGet("/api/events", stream.HandleAsync);
        app.MapGet("/health", Handler(context => HealthAsync(context, store, storeKind, outage)));
        app.MapGet(MetricsExposition.Path, metrics.WriteAsync);
        app.MapGet("/openapi.json", () => Results.Text(OpenApiDocument.Json, "application/json"));
        DashboardEndpoints.Map(app, Assets.Value);
    }

    /// <summary>As a Delegate, so minimal APIs write the returned IResult (a RequestDelegate would discard it).</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    /// <summary>The dashboard's embedded files, read once per process.</summary>
    private static readonly Lazy<DashboardAssets> Assets = new(() => DashboardAssets.Load(typeof(ServerHost).Assembly));

    private static async Task<IResult> HealthAsync(HttpContext context, IResultStore store, string name, StoreOutage outage)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(HealthTimeout);
        try
        {
            await store.CheckAsync(timeout.Token).ConfigureAwait(false);
            return TypedResults.Ok(new HealthResponse { Status = "ok", Store = name, Version = Core.ToolInfo.Version });
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e) || e is OperationCanceledException)
        {
            if (StoreFailure.IsUnavailable(e))
            {
                outage.Refused(context.Request.Method, context.Request.Path.Value ?? "/");
            }
            context.Response.Headers.RetryAfter = StoreFailure.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Json(
                new HealthResponse { Status = "unavailable", Store = name, Version = Core.ToolInfo.Version },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

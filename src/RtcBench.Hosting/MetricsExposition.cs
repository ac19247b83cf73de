using Microsoft.AspNetCore.Http;
using Prometheus;

namespace RtcBench.Hosting;

/// <summary>
/// One service's Prometheus registry and its <c>GET /metrics</c> answer (text exposition format 0.0.4). Each started
/// service owns its own registry (tests run several in one process), holding prometheus-net's standard process and
/// .NET runtime metrics (<c>process_*</c>: CPU, memory, threads, handles, start time; <c>dotnet_*</c>: GC
/// collections per generation, allocated memory) and the service's own. (prometheus-net 8.2.1's MeterAdapter did
/// not pick up the runtime's <c>System.Runtime</c> meter here, so it is not wired.)
/// Services read their counters lazily in <see cref="CollectorRegistry.AddBeforeCollectCallback(Action)"/>, so a
/// scrape costs work and nothing is added to the per-packet paths.
/// </summary>
public sealed class MetricsExposition : IDisposable
{
    /// <summary>The path both services serve the metrics on.</summary>
    public const string Path = "/metrics";

    /// <summary>Prometheus' text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <param name="version">The running version, exposed as <c>rtcbench_build_info{version}</c>.</param>
    public MetricsExposition(string version)
    {
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);
        Factory.CreateGauge("rtcbench_build_info", "The running rtcbench version (always 1).", ["version"])
            .WithLabels(version).Set(1);
    }

    /// <summary>The service's registry; add collect callbacks to it to read counters at scrape time.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Creates the service's metrics in <see cref="Registry"/>.</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Answers a scrape: runs the collect callbacks, then writes every metric.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Nothing to release today; kept so the services' stop path need not change when a listener is added.</summary>
    public void Dispose()
    {
    }
}

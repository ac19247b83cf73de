using Microsoft.AspNetCore.Http;
using Prometheus;
using RtcBench.Hosting;
using RtcBench.Server.Http;
using RtcBench.Storage;
using RtcBench.Storage.Validation;

namespace RtcBench.Server.Metrics;

/// <summary>
/// The results service's <c>/metrics</c>: ingest outcomes (counted once per <c>POST /api/runs</c>, from the answer's
/// status) and the newest run of every platform × location × channel, read from the store at scrape time (so the
/// figures survive a restart of the service and cost nothing between scrapes), and each runner's latest report of
/// its spool (<c>POST /api/runners/heartbeat</c>, <see cref="Runners.RunnerRegistry"/>: bounded and expiring).
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The <c>location</c> label of runs posted without a location.</summary>
    public const string NoLocation = "none";

    private static readonly string[] LatestLabels = ["platform", "location", "channel"];

    private static readonly string[] RunnerLabels = ["runner", "location"];

    /// <summary>The route runners report on.</summary>
    public const string HeartbeatPath = "/api/runners/heartbeat";

    private readonly MetricsExposition _exposition;
    private readonly IResultStore _store;
    private readonly Counter _ingested;
    private readonly Counter _duplicates;
    private readonly Counter _errors;
    private readonly Gauge _storeUp;
    private readonly Gauge _p50;
    private readonly Gauge _p95;
    private readonly Gauge _p99;
    private readonly Gauge _loss;
    private readonly Gauge _started;
    private readonly Gauge _ok;
    private readonly HashSet<(string Platform, string Location, string Channel)> _shown = [];
    private readonly Runners.RunnerRegistry _runners;
    private readonly Gauge _runnerPending;
    private readonly Gauge _runnerOldest;
    private readonly Gauge _runnerBytes;
    private readonly Gauge _runnerRejected;
    private readonly Gauge _runnerSeen;
    private readonly Gauge _runnersTracked;
    private readonly Counter _reportErrors;
    private readonly HashSet<(string Runner, string Location)> _runnersShown = [];

    public ServerMetrics(IResultStore store, Runners.RunnerRegistry runners, string version)
    {
        _store = store;
        _runners = runners;
        _exposition = new MetricsExposition(version);
        var f = _exposition.Factory;
        _ingested = f.CreateCounter("rtcbench_runs_ingested_total", "Runs stored by POST /api/runs (201 Created).");
        _duplicates = f.CreateCounter("rtcbench_ingest_duplicates_total", "Repeats of a stored run (200, nothing changed; runner retries).");
        _errors = f.CreateCounter("rtcbench_ingest_errors_total",
            "POST /api/runs refused, by reason: invalid (400), unauthorized (401), conflict (409), too_large (413), "
            + "unsupported_media_type (415), store_unavailable (503), other.", ["reason"]);
        _storeUp = f.CreateGauge("rtcbench_store_up", "1 when the last scrape could read the store, else 0 (the latest_* figures are then the previous ones).");
        _p50 = f.CreateGauge("rtcbench_latest_rtt_p50_seconds", "Median round-trip time of the newest run.", LatestLabels);
        _p95 = f.CreateGauge("rtcbench_latest_rtt_p95_seconds", "95th percentile round-trip time of the newest run.", LatestLabels);
        _p99 = f.CreateGauge("rtcbench_latest_rtt_p99_seconds", "99th percentile round-trip time of the newest run.", LatestLabels);
        _loss = f.CreateGauge("rtcbench_latest_loss_ratio", "Lost share (0..1) of the measured pings of the newest run.", LatestLabels);
        _started = f.CreateGauge("rtcbench_latest_run_start_timestamp_seconds", "Unix time the newest run started.", LatestLabels);
        _ok = f.CreateGauge("rtcbench_latest_run_ok", "1 when the newest run ended ok, 0 when partial or failed.", LatestLabels);
        foreach (var reason in (string[])["invalid", "unauthorized", "conflict", "too_large", "unsupported_media_type", "store_unavailable"])
        {
            _errors.WithLabels(reason);   // present from the start at 0, so rate() sees the first error
        }
        _runnerPending = f.CreateGauge("rtcbench_runner_spool_pending", "Runs waiting in the runner's spool for the service, as it last reported.", RunnerLabels);
        _runnerOldest = f.CreateGauge("rtcbench_runner_spool_oldest_age_seconds",
            "Age of the oldest run waiting in the runner's spool (0 when none waits); grows between reports as it does on the runner.", RunnerLabels);
        _runnerBytes = f.CreateGauge("rtcbench_runner_spool_bytes", "Bytes of the runs waiting in the runner's spool, as it last reported.", RunnerLabels);
        _runnerRejected = f.CreateGauge("rtcbench_runner_spool_rejected", "Runs the service refused, kept in the runner's spool/rejected (never re-sent).", RunnerLabels);
        _runnerSeen = f.CreateGauge("rtcbench_runner_last_seen_timestamp_seconds", "Unix time of the runner's last report.", RunnerLabels);
        _runnersTracked = f.CreateGauge("rtcbench_runners_tracked", "Runners whose reports are kept (at most the limit; one is forgotten a day after its last report).");
        _reportErrors = f.CreateCounter("rtcbench_runner_reports_refused_total",
            "POST /api/runners/heartbeat refused, by reason: invalid (400), unauthorized (401), too_large (413), "
            + "unsupported_media_type (415), runner_limit (429), other.", ["reason"]);
        foreach (var reason in (string[])["invalid", "unauthorized", "runner_limit"])
        {
            _reportErrors.WithLabels(reason);
        }
        _exposition.Registry.AddBeforeCollectCallback(ReadLatestAsync);
        _exposition.Registry.AddBeforeCollectCallback(ReadRunners);
    }

    /// <summary>How long a scrape waits for the store.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Middleware: counts the outcome of every <c>POST /api/runs</c> by its final status (outermost).</summary>
    public async Task CountIngestAsync(HttpContext context, RequestDelegate next)
    {
        bool post = HttpMethods.IsPost(context.Request.Method);
        bool ingest = post && context.Request.Path.Equals("/api/runs", StringComparison.Ordinal);
        bool report = post && context.Request.Path.Equals(HeartbeatPath, StringComparison.Ordinal);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (ingest)
            {
                Count(context.Response.StatusCode);
            }
            else if (report && context.Response.StatusCode >= 400)
            {
                _reportErrors.WithLabels(context.Response.StatusCode == StatusCodes.Status429TooManyRequests ? "runner_limit" : Reason(context.Response.StatusCode)).Inc();
            }
        }
    }

    public Task WriteAsync(HttpContext context) => _exposition.WriteAsync(context);

    private void Count(int status)
    {
        switch (status)
        {
            case StatusCodes.Status201Created: _ingested.Inc(); break;
            case StatusCodes.Status200OK: _duplicates.Inc(); break;
            default: _errors.WithLabels(Reason(status)).Inc(); break;
        }
    }

    internal static string Reason(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status503ServiceUnavailable => "store_unavailable",
        _ => "other",
    };

    private async Task ReadLatestAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StoreTimeout);
        var seen = new HashSet<(string, string, string)>();
        try
        {
            foreach (var channel in KnownValues.Channels)
            {
                foreach (var run in await _store.GetLatestRunsAsync(channel, timeout.Token).ConfigureAwait(false))
                {
                    var key = (run.Platform, run.Location ?? NoLocation, run.Channel);
                    seen.Add(key);
                    Show(run, [key.Platform, key.Item2, key.Channel]);
                }
            }
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e) || e is OperationCanceledException)
        {
            _storeUp.Set(0);
            return;
        }
        _storeUp.Set(1);
        lock (_shown)
        {
            foreach (var gone in _shown.Where(k => !seen.Contains(k)).ToList())
            {
                string[] labels = [gone.Platform, gone.Location, gone.Channel];
                foreach (var gauge in (Gauge[])[_p50, _p95, _p99, _loss, _started, _ok])
                {
                    gauge.RemoveLabelled(labels);
                }
                _shown.Remove(gone);
            }
            _shown.UnionWith(seen);
        }
    }

    /// <summary>Each tracked runner's last report; the series of forgotten runners (or a runner's old location) go.</summary>
    private void ReadRunners()
    {
        var (runners, now) = _runners.Snapshot();
        var seen = new HashSet<(string, string)>();
        lock (_runnersShown)
        {
            foreach (var r in runners)
            {
                string[] labels = [r.RunnerId, r.Location];
                seen.Add((r.RunnerId, r.Location));
                _runnerPending.WithLabels(labels).Set(r.Pending);
                _runnerOldest.WithLabels(labels).Set(r.Pending > 0 ? r.OldestAgeSeconds + Math.Max(0, (now - r.ReceivedAt).TotalSeconds) : 0);
                _runnerBytes.WithLabels(labels).Set(r.Bytes);
                _runnerRejected.WithLabels(labels).Set(r.Rejected);
                _runnerSeen.WithLabels(labels).Set(r.ReceivedAt.ToUnixTimeMilliseconds() / 1e3);
            }
            foreach (var gone in _runnersShown.Where(k => !seen.Contains(k)).ToList())
            {
                string[] labels = [gone.Runner, gone.Location];
                foreach (var gauge in (Gauge[])[_runnerPending, _runnerOldest, _runnerBytes, _runnerRejected, _runnerSeen])
                {
                    gauge.RemoveLabelled(labels);
                }
                _runnersShown.Remove(gone);
            }
            _runnersShown.UnionWith(seen);
            _runnersTracked.Set(runners.Count);
        }
    }

    private void Show(RunSummary run, string[] labels)
    {
        SetOrRemove(_p50, labels, run.RttP50Us);
        SetOrRemove(_p95, labels, run.RttP95Us);
        SetOrRemove(_p99, labels, run.RttP99Us);
        _loss.WithLabels(labels).Set(run.LossRate);
        _started.WithLabels(labels).Set(run.StartedAt.ToUnixTimeMilliseconds() / 1e3);
        _ok.WithLabels(labels).Set(run.OutcomeStatus == Core.Results.RunOutcome.OkStatus ? 1 : 0);
    }

    /// <summary>A run without a single answered ping has no percentiles: its series is left out, not set to 0.</summary>
    private static void SetOrRemove(Gauge gauge, string[] labels, double? us)
    {
        if (us is double value)
        {
            gauge.WithLabels(labels).Set(value / 1e6);
        }
        else
        {
            gauge.RemoveLabelled(labels);
        }
    }

    public void Dispose() => _exposition.Dispose();
}

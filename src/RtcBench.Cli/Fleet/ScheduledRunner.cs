using RtcBench.Cli.Commands;
using RtcBench.Cli.Output;
using RtcBench.Cli.Thresholds;
using RtcBench.Core.Results;
using RtcBench.Runner;
using RtcBench.Storage.Delivery;

namespace RtcBench.Cli.Fleet;

/// <summary>
/// The loop of <c>rtcbench runner</c>: waits for the earliest due job (its cron time plus a random jitter), measures
/// it, posts the runs to the results service (spooling what cannot be delivered; the spool is flushed before every
/// run), and carries on whatever failed — an agent or service that is down costs that attempt, never the runner.
/// Jobs run one at a time; a start missed while another run was going is skipped, not queued. The first interruption
/// (Ctrl-C, SIGTERM) ends a run in progress as partial, delivers it and stops; the second aborts.
/// </summary>
internal sealed class ScheduledRunner(CliContext ctx, PlanLoader.LoadedPlan plan, Uri service, string? storeToken, string? apiKey, string? statusFile, EventLog log)
{
    private readonly RunnerStatus _status = new()
    {
        StartedAt = DateTimeOffset.UtcNow,
        Store = service.ToString(),
        RunnerId = DeliveryHelp.RunnerId(ctx),
        Location = plan.Location ?? NullIfEmpty(ctx.GetEnvironment("RTCBENCH_LOCATION")),
        Jobs = plan.Jobs.Select(j => new JobStatus { Name = j.Name, Schedule = j.ScheduleText }).ToList(),
    };

    public async Task<int> RunAsync()
    {
        var stop = ctx.Interrupts.StopRequested;
        var spool = DeliveryHelp.Spool(ctx);
        _status.SpoolDirectory = spool.Directory;
        var now = DateTimeOffset.UtcNow;
        // Per job: the cron time of its next start, and that time plus this occurrence's random jitter.
        var cron = plan.Jobs.Select(j => j.NextAfter(now)).ToArray();
        var due = plan.Jobs.Select((j, i) => WithJitter(j, cron[i])).ToArray();
        log.Info("started", $"started: {plan.Jobs.Count} job(s), results to {service}, spool {spool.Directory}",
            ("Jobs", plan.Jobs.Count), ("Store", service.ToString()), ("Spool", spool.Directory));
        while (!stop.IsCancellationRequested)
        {
            int next = -1;
            for (int i = 0; i < due.Length; i++)
            {
                if (due[i] is not null && (next < 0 || due[i] < due[next]))
                {
                    next = i;
                }
            }
            if (next < 0)
            {
                log.Warning("no-future-start", "no job has a future start; stopping");
                break;
            }
            for (int i = 0; i < due.Length; i++)
            {
                _status.Jobs[i].NextRunAt = due[i];
            }
            await PublishAsync("waiting", spool);
            // Wait for the start, reporting to the service at least every ReportInterval meanwhile.
            bool stopped = false;
            while (due[next]!.Value - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait < ReportInterval ? wait : ReportInterval, stop);
                }
                catch (OperationCanceledException)
                {
                    stopped = true;
                    break;
                }
                if (due[next]!.Value > DateTimeOffset.UtcNow)
                {
                    await PublishAsync("waiting", spool, quiet: true);
                }
            }
            if (stopped)
            {
                break;
            }
            var job = plan.Jobs[next];
            await PublishAsync("running", spool);
            await AttemptAsync(job, _status.Jobs[next], spool);
            // The next start after the run ended: starts missed while it ran are skipped (and counted), not queued.
            var after = DateTimeOffset.UtcNow;
            _status.Jobs[next].Skipped += job.Schedule.GetOccurrences(cron[next]!.Value, after, TimeZoneInfo.Utc, fromInclusive: false, toInclusive: true).Count();
            cron[next] = job.NextAfter(after);
            due[next] = WithJitter(job, cron[next]);
        }
        await FlushAsync(spool, CancellationToken.None);
        foreach (var j in _status.Jobs)
        {
            j.NextRunAt = null;
        }
        await PublishAsync("stopped", spool);
        log.Info("stopped", $"stopped; {_status.SpoolPending} run(s) wait in the spool", ("SpoolPending", _status.SpoolPending));
        return ExitCodes.Ok;
    }

    private async Task AttemptAsync(ScheduledJob job, JobStatus status, ResultSpool spool)
    {
        status.Attempts++;
        var started = DateTimeOffset.UtcNow;
        await FlushAsync(spool, ctx.Interrupts.AbortRequested);
        var options = new BenchmarkOptions
        {
            AgentUrl = job.Agent,
            ApiKey = apiKey,
            Platforms = job.Platforms,
            Channels = job.Channels,
            Config = job.Config with { Seed = Random.Shared.Next() },
            Location = _status.Location,
            RunnerHost = Environment.MachineName,
        };
        BenchmarkReport report;
        try
        {
            report = await new BenchmarkRunner(ctx.Clock, new ConsoleObserver(ctx.Error, interactive: false, quiet: true, log))
                .RunAsync(options, ctx.Interrupts.StopRequested, ctx.Interrupts.AbortRequested);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string why = ex is RunnerException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            status.Failures++;
            status.LastRun = new LastRun { StartedAt = started, EndedAt = DateTimeOffset.UtcNow, Outcome = "failed", Error = why };
            log.Warning("attempt-failed", $"{job.Name}: failed: {why}", ("Job", job.Name), ("Outcome", "failed"), ("Error", why));
            return;
        }
        foreach (var failure in report.Failures)
        {
            log.Warning("platform-failed", $"{job.Name}: {failure.Platform} failed: {failure.Message}", ("Job", job.Name), ("Platform", failure.Platform), ("Error", failure.Message));
        }
        var verdicts = ThresholdEvaluator.Evaluate(job.Thresholds, report.Results);
        foreach (var run in report.Results)
        {
            log.Info("measured", $"{job.Name}: measured run {run.RunId} {run.Platform}/{run.Channel} {run.Outcome.Status}, ok {run.Stats.Ok}/{run.Stats.Sent}, p50 {Format.Ms(run.Stats.Rtt?.P50Us)} ms",
                ("Job", job.Name), ("RunId", run.RunId), ("Platform", run.Platform), ("Channel", run.Channel), ("Outcome", run.Outcome.Status),
                ("Ok", run.Stats.Ok), ("Sent", run.Stats.Sent), ("P50Us", run.Stats.Rtt?.P50Us));
        }
        foreach (var failed in verdicts.Where(v => !v.Passed))
        {
            log.Warning("threshold-failed", $"{job.Name}: {ThresholdView.FailureLine(failed)}", ("Job", job.Name), ("Threshold", ThresholdView.FailureLine(failed)));
        }
        status.RunsMeasured += report.Results.Count;
        if (report.Results.Count == 0)
        {
            status.Failures++;
        }
        status.LastRun = new LastRun
        {
            StartedAt = started,
            EndedAt = DateTimeOffset.UtcNow,
            Outcome = report.Results.Count == 0 ? "failed" : report.Failures.Count > 0 ? "partial" : "ok",
            RunIds = report.Results.Select(r => r.RunId).ToList(),
            Error = report.Failures.Count > 0 ? string.Join("; ", report.Failures.Select(f => $"{f.Platform}: {f.Message}")) : null,
            ThresholdsFailed = verdicts.Count(v => !v.Passed),
        };
        if (report.Results.Count > 0)
        {
            await DeliveryHelp.DeliverAsync(ctx, service, storeToken, report.Results, m => log.Info("delivery", $"{job.Name}: {m}", ("Job", job.Name), ("Detail", m)));
        }
    }

    private async Task FlushAsync(ResultSpool spool, CancellationToken ct)
    {
        if (spool.List().Count == 0)
        {
            return;
        }
        using var client = new ResultServiceClient(service, storeToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await DeliveryHelp.FlushAsync(ctx, new ResultDelivery(client, spool), service, timeout.Token, (message, warning) =>
            {
                if (warning)
                {
                    log.Warning("spool-flush", "warning: " + message, ("Detail", message));
                }
                else
                {
                    log.Info("spool-flush", message, ("Detail", message));
                }
            });
        }
        catch (OperationCanceledException)
        {
            log.Warning("spool-flush", "flushing the spool was cut short; it is retried before the next run");
        }
    }

    /// <summary>A cron time plus a fresh random delay in [0, jitter): fleet members with one plan spread out.</summary>
    internal static DateTimeOffset? WithJitter(ScheduledJob job, DateTimeOffset? cronTime) =>
        cronTime + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * job.Jitter.Ticks));

    /// <summary>How often a waiting runner reports to the service when no run or event does it sooner.</summary>
    internal static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads the spool once, reports it to the service (best effort) and writes the same reading to the status file,
    /// so the file and the service's <c>/metrics</c> agree; logs the waiting line unless <paramref name="quiet"/>.
    /// </summary>
    private async Task PublishAsync(string state, ResultSpool spool, bool quiet = false)
    {
        _status.State = state;
        var (reading, reported) = await DeliveryHelp.ReportAsync(ctx, service, storeToken, _status.Location, ReportRefused, ctx.Interrupts.AbortRequested);
        _status.UpdatedAt = DateTimeOffset.UtcNow;
        _status.SpoolPending = reading.Pending;
        _status.SpoolOldestAgeSeconds = Math.Round(reading.OldestAgeSeconds, 3);
        _status.SpoolBytes = reading.Bytes;
        _status.SpoolRejected = reading.Rejected;
        if (reported)
        {
            _status.ReportedAt = _status.UpdatedAt;
        }
        try
        {
            _status.WriteTo(statusFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning("status-file", $"warning: cannot write the status file {statusFile}: {ex.Message}", ("StatusFile", statusFile), ("Error", ex.Message));
        }
        if (state == "waiting" && !quiet)
        {
            var upcoming = _status.Jobs.Where(j => j.NextRunAt is not null).OrderBy(j => j.NextRunAt).ToList();
            string next = string.Join(", ", upcoming.Select(j => $"{j.Name} at {Format.Time(j.NextRunAt!.Value)}"));
            log.Info("waiting", $"status: waiting; next: {next}; spool {_status.SpoolPending}",
                ("Job", upcoming.FirstOrDefault()?.Name), ("NextRunAt", upcoming.FirstOrDefault()?.NextRunAt), ("SpoolPending", _status.SpoolPending));
        }
    }

    /// <summary>The service refused a report (bad runner id, too many runners): said once per distinct reason.</summary>
    private void ReportRefused(string message)
    {
        if (message != _lastRefusal)
        {
            _lastRefusal = message;
            log.Warning("report-refused", "warning: " + message, ("Detail", message));
        }
    }

    private string? _lastRefusal;

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

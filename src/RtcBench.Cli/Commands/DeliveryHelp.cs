using RtcBench.Core.Results;
using RtcBench.Storage;
using RtcBench.Storage.Delivery;

namespace RtcBench.Cli.Commands;

/// <summary>Delivery of runs to a results service for <c>run</c>, <c>quickstart</c> and <c>push</c>: token, spool, messages.</summary>
internal static class DeliveryHelp
{
    public const string TokenVariable = ResultServiceClient.TokenVariable;

    /// <summary>--store-token, else $RTCBENCH_STORE_TOKEN, else none. Never printed.</summary>
    public static string? Token(string? option, CliContext ctx)
    {
        string? token = string.IsNullOrWhiteSpace(option) ? ctx.GetEnvironment(TokenVariable) : option;
        return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }

    /// <summary>This runner's name in its reports: <c>$RTCBENCH_RUNNER_ID</c>, else the host name.</summary>
    public static string RunnerId(CliContext ctx) => RunnerReport.DefaultRunnerId(ctx.GetEnvironment(RunnerReport.RunnerIdVariable));

    /// <summary>How long a report may take: it is best effort, and must not hold up a run or the schedule.</summary>
    public static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reads the spool once and reports it, with the runner's name and location, to the service
    /// (<c>POST /api/runners/heartbeat</c>; its <c>/metrics</c> shows it). Best effort: a service that cannot be
    /// reached is left to the delivery messages; a refusal is passed to <paramref name="warn"/> with the service's
    /// reason. Returns the reading (the one the status file shows too) and whether the service took it.
    /// </summary>
    public static async Task<(SpoolState Spool, bool Reported)> ReportAsync(
        CliContext ctx, Uri url, string? token, string? location, Action<string>? warn, CancellationToken ct = default)
    {
        var spool = Spool(ctx).Snapshot(DateTimeOffset.UtcNow);
        using var client = new ResultServiceClient(url, token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReportTimeout);
        DeliveryResult result;
        try
        {
            result = await client.ReportAsync(new RunnerReport(RunnerId(ctx), location, spool), timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return (spool, false);
        }
        if (result.Status is DeliveryStatus.Rejected or DeliveryStatus.Unauthorized)
        {
            warn?.Invoke($"{url} refused this runner's spool report: {result.Detail}");
        }
        return (spool, result.Status == DeliveryStatus.Delivered);
    }

    public static ResultSpool Spool(CliContext ctx) =>
        new(ResultSpool.DefaultDirectory(
            ctx.GetEnvironment(ResultStoreFactory.HomeVariable),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));

    /// <summary>
    /// Re-sends what is spooled; reports on stderr (or to <paramref name="report"/>: the line without the
    /// <c>rtcbench: </c> prefix, and whether it is a warning). Returns the report.
    /// </summary>
    public static async Task<FlushReport> FlushAsync(CliContext ctx, ResultDelivery delivery, Uri url, CancellationToken ct, Action<string, bool>? report = null)
    {
        report ??= (line, warning) => ctx.Error.WriteLine(warning ? $"rtcbench: warning: {line}" : $"rtcbench: {line}");
        var flushed = await delivery.FlushAsync(ct);
        if (flushed.Delivered > 0)
        {
            report($"delivered {flushed.Delivered} spooled run(s) to {url}", false);
        }
        foreach (var (file, detail) in flushed.Rejections)
        {
            report($"{url} refused the spooled run {Path.GetFileName(file)}: {detail}; moved to {Path.GetDirectoryName(file)} (it is not re-sent)", true);
        }
        if (flushed.StoppedBy is { } stop)
        {
            report($"{flushed.Remaining} run(s) still spooled in {delivery.Spool.Directory}: {url} answered {stop.Detail}", true);
        }
        return flushed;
    }

    /// <summary>
    /// Re-sends the spool, then delivers <paramref name="results"/>; whatever cannot be delivered is spooled.
    /// Exit code: Ok when every run is delivered or safely spooled for a service that is down; StoreFailed when
    /// the service refused the token or a document (the run is still spooled, or set aside as rejected).
    /// </summary>
    public static async Task<int> DeliverAsync(
        CliContext ctx, Uri url, string? token, IReadOnlyList<RunResult> results, Action<string> message, DeliveryTally? tally = null)
    {
        using var client = new ResultServiceClient(url, token);
        var delivery = new ResultDelivery(client, Spool(ctx));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        int delivered = 0, spooled = 0, rejected = 0, exit = ExitCodes.Ok;
        foreach (var result in results)
        {
            var outcome = await delivery.DeliverAsync(result, timeout.Token);
            if (outcome.Status == DeliveryStatus.Delivered)
            {
                delivered++;
                continue;
            }
            if (outcome.Status == DeliveryStatus.Rejected)
            {
                rejected++;
            }
            else
            {
                spooled++;
            }
            if (outcome.Status is DeliveryStatus.Unauthorized or DeliveryStatus.Rejected)
            {
                ctx.Fail(ExitCodes.StoreFailed, $"{url} refused run {result.RunId}: {outcome.Detail}");
                exit = ExitCodes.StoreFailed;
            }
            else
            {
                message($"{url} unavailable ({outcome.Detail})");
            }
        }
        if (tally is not null)
        {
            tally.Delivered += delivered;
            tally.Spooled += spooled;
            tally.Refused += rejected;
            tally.SpoolDirectory = delivery.Spool.Directory;
        }
        if (delivered > 0)
        {
            message($"delivered {delivered} run(s) to {url}");
        }
        if (spooled > 0)
        {
            message($"spooled {spooled} run(s) to {delivery.Spool.Directory}; they are re-sent on the next run or by `{ctx.Command("push")}`");
        }
        if (rejected > 0)
        {
            message($"kept {rejected} refused run(s) in {Path.Combine(delivery.Spool.Directory, ResultSpool.RejectedDirectoryName)} for inspection (not re-sent)");
        }
        return exit;
    }
}

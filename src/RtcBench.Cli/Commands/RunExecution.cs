using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RtcBench.Cli.Output;
using RtcBench.Cli.Thresholds;
using RtcBench.Core.Results;
using RtcBench.Runner;
using RtcBench.Storage;
using RtcBench.Storage.Delivery;
using Spectre.Console;

namespace RtcBench.Cli.Commands;

/// <summary>
/// Runs a benchmark and does everything after it: summary or JSON on stdout, the --output file, the store, and
/// the exit code. Shared by <c>run</c> and <c>quickstart</c>.
/// </summary>
internal static class RunExecution
{
    /// <param name="delivery">Filled with what became of the runs sent to a results service (<c>--store http(s)://…</c>).</param>
    public static async Task<int> ExecuteAsync(
        CliContext ctx, MeasurementOptions m, ParseResult parse, Uri agentUrl, string? apiKey, IReadOnlyList<string> platforms,
        string? dailyTopology = null, DeliveryTally? delivery = null, string? janusPath = null)
    {
        if (Validate(ctx, m, parse) is { } usage)
        {
            return usage;
        }
        if (ctx.Events is not null)
        {
            return await ExecuteValidatedAsync(ctx, m, parse, agentUrl, apiKey, platforms, dailyTopology, delivery, janusPath);
        }
        using var events = m.CreateEvents(parse, ctx);
        ctx.Events = events;
        try
        {
            return await ExecuteValidatedAsync(ctx, m, parse, agentUrl, apiKey, platforms, dailyTopology, delivery, janusPath);
        }
        finally
        {
            ctx.Events = null;
        }
    }

    private static async Task<int> ExecuteValidatedAsync(
        CliContext ctx, MeasurementOptions m, ParseResult parse, Uri agentUrl, string? apiKey, IReadOnlyList<string> platforms,
        string? dailyTopology, DeliveryTally? delivery, string? janusPath)
    {
        var config = m.ToConfig(parse, out _);
        bool json = parse.GetValue(m.Json);
        bool quiet = parse.GetValue(m.Quiet);
        string? storeSpec = parse.GetValue(m.NoStore) ? null : StoreHelp.Resolve(parse.GetValue(m.Store), ctx);
        StoreSpec? parsedStore = null;
        Uri? serviceUrl = null;
        if (storeSpec is not null && ResultServiceClient.TryParseUrl(storeSpec, out serviceUrl))
        {
            storeSpec = null;
        }
        else if (storeSpec is not null && !ResultStoreFactory.TryParse(storeSpec, out parsedStore, out string storeError))
        {
            return ctx.Fail(ExitCodes.Usage, $"--store: {storeError}"); // unreachable: Validate checked it
        }
        string? storeToken = DeliveryHelp.Token(parse.GetValue(m.StoreToken), ctx);

        var observer = new ConsoleObserver(ctx.Error, ctx.InteractiveError, quiet, ctx.Events);
        ctx.Interrupts.OnInterrupt = n => observer.Message(n == 1
            ? "interrupted: no more pings; waiting for answers in flight (Ctrl-C again to stop now)"
            : "stopping now");
        var options = new BenchmarkOptions
        {
            AgentUrl = agentUrl,
            ApiKey = apiKey,
            Platforms = platforms,
            Channels = m.ToChannels(parse),
            Config = config,
            Location = parse.GetValue(m.Location) ?? NullIfEmpty(ctx.GetEnvironment("RTCBENCH_LOCATION")),
            Latitude = parse.GetValue(m.Latitude),
            Longitude = parse.GetValue(m.Longitude),
            RunnerHost = Environment.MachineName,
            DailyTopology = dailyTopology,
            JanusPath = janusPath,
        };

        if (serviceUrl is not null)
        {
            // Runs spooled by an earlier run go first, so the service receives runs in the order they were made.
            using var client = new ResultServiceClient(serviceUrl, storeToken);
            using var flushTimeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await DeliveryHelp.FlushAsync(ctx, new ResultDelivery(client, DeliveryHelp.Spool(ctx)), serviceUrl, flushTimeout.Token,
                (line, warning) => observer.Message(warning ? "warning: " + line : line));
        }

        BenchmarkReport report;
        try
        {
            report = await new BenchmarkRunner(ctx.Clock, observer).RunAsync(options, ctx.Interrupts.StopRequested, ctx.Interrupts.AbortRequested);
        }
        catch (RunnerException ex)
        {
            return ctx.Fail(ToExitCode(ex.Failure), ex.Message);
        }
        catch (OperationCanceledException) when (ctx.Interrupts.AbortRequested.IsCancellationRequested)
        {
            return ctx.Fail(ExitCodes.Interrupted, "interrupted before any run finished");
        }

        var results = report.Results;
        var thresholds = m.ToThresholds(parse);
        var verdicts = ThresholdEvaluator.Evaluate(thresholds, results);
        if (json)
        {
            foreach (var result in results)
            {
                ctx.Out.WriteLine(Document(result, thresholds.Count > 0 ? verdicts : null, indented: false));
            }
        }
        else
        {
            SummaryView.Write(ctx.OutConsole(), results);
            ThresholdView.Write(ctx.Out, verdicts);
        }

        int exit = ExitCodes.Ok;
        var output = parse.GetValue(m.Output);
        if (output is not null && results.Count > 0)
        {
            try
            {
                WriteOutput(output, results, thresholds.Count > 0 ? verdicts : null);
                observer.Message($"wrote {output.FullName}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ctx.Fail(ExitCodes.StoreFailed, $"cannot write {output.FullName}: {ex.Message}");
                exit = ExitCodes.StoreFailed;
            }
        }
        if (storeSpec is not null && results.Count > 0)
        {
            try
            {
                await using var store = ResultStoreFactory.Open(storeSpec);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await store.InitializeAsync(timeout.Token);
                foreach (var result in results)
                {
                    await store.SaveRunAsync(result, timeout.Token);
                }
                observer.Message($"stored {results.Count} run(s) in {parsedStore}; see: {ctx.Command("results list")}");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ctx.Fail(ExitCodes.StoreFailed, $"cannot store the results in {parsedStore}: {ex.Message}");
                exit = ExitCodes.StoreFailed;
            }
        }

        if (serviceUrl is not null && results.Count > 0)
        {
            int delivered = await DeliveryHelp.DeliverAsync(ctx, serviceUrl, storeToken, results, observer.Message, delivery);
            if (exit == ExitCodes.Ok)
            {
                exit = delivered;
            }
        }
        if (serviceUrl is not null)
        {
            // The spool as it is now, for the service's /metrics (per runner); best effort.
            await DeliveryHelp.ReportAsync(ctx, serviceUrl, storeToken, options.Location, line => observer.Message("warning: " + line));
        }

        foreach (var failure in report.Failures)
        {
            ctx.Fail(ToExitCode(failure.Kind), $"{failure.Platform}: {failure.Message}");
        }
        if (exit == ExitCodes.Ok && report.Failures.Count > 0)
        {
            exit = ToExitCode(report.Failures[0].Kind);
        }
        if (exit == ExitCodes.Ok && results.Any(r => r.Outcome.Status == RunOutcome.FailedStatus))
        {
            exit = ExitCodes.RunFailed;
        }
        if (exit == ExitCodes.Ok && report.Interrupted)
        {
            exit = ExitCodes.Interrupted;
        }
        foreach (var failed in verdicts.Where(v => !v.Passed))
        {
            ctx.Fail(ExitCodes.ThresholdFailed, ThresholdView.FailureLine(failed));
        }
        if (exit == ExitCodes.Ok && verdicts.Any(v => !v.Passed))
        {
            exit = ExitCodes.ThresholdFailed;
        }
        return exit;
    }

    /// <summary>
    /// Checks what the option parsers cannot (settings that depend on each other, the store spec), so a command can
    /// refuse a bad line before it starts anything (quickstart's agent). Prints one line per problem; null when valid.
    /// </summary>
    public static int? Validate(CliContext ctx, MeasurementOptions m, ParseResult parse)
    {
        m.ToConfig(parse, out var errors);
        foreach (string e in errors)
        {
            ctx.Fail(ExitCodes.Usage, e);
        }
        if (!Hosting.ConsoleLogging.TryResolveFormat(parse.GetValue(m.LogFormat), ctx.GetEnvironment(Hosting.ConsoleLogging.FormatVariable), out _, out string formatError))
        {
            return ctx.Fail(ExitCodes.Usage, formatError);
        }
        string? storeSpec = parse.GetValue(m.NoStore) ? null : StoreHelp.Resolve(parse.GetValue(m.Store), ctx);
        if (storeSpec is not null && !ResultServiceClient.TryParseUrl(storeSpec, out _) && !ResultStoreFactory.TryParse(storeSpec, out _, out string storeError))
        {
            return ctx.Fail(ExitCodes.Usage, $"--store: {storeError} Or http(s)://SERVICE for a results service.");
        }
        return errors.Count > 0 ? ExitCodes.Usage : null;
    }

    private static void WriteOutput(FileInfo output, IReadOnlyList<RunResult> results, IReadOnlyList<ThresholdVerdict>? verdicts)
    {
        output.Directory?.Create();
        string text = results.Count == 1
            ? Document(results[0], verdicts, indented: true)
            : verdicts is null
                ? JsonSerializer.Serialize(results, ResultJson.Indented)
                : new JsonArray(results.Select(r => JsonNode.Parse(Document(r, verdicts, indented: false))).ToArray()).ToJsonString(ResultJson.Indented);
        File.WriteAllText(output.FullName, text + "\n");
    }

    /// <summary>
    /// A run's result document as printed and written; with --threshold, plus a <c>thresholds</c> array of the
    /// verdicts on that run (output only: the stored and posted document is the measurement alone).
    /// </summary>
    private static string Document(RunResult result, IReadOnlyList<ThresholdVerdict>? verdicts, bool indented)
    {
        if (verdicts is null)
        {
            return ResultJson.Serialize(result, indented);
        }
        var options = indented ? ResultJson.Indented : ResultJson.Options;
        var node = JsonSerializer.SerializeToNode(result, options)!.AsObject();
        node["thresholds"] = JsonSerializer.SerializeToNode(verdicts.Where(v => v.RunId == result.RunId).ToList(), options);
        return node.ToJsonString(options);
    }

    public static int ToExitCode(RunnerFailure failure) => failure switch
    {
        RunnerFailure.AgentUnreachable => ExitCodes.AgentUnreachable,
        RunnerFailure.AgentRejected => ExitCodes.AgentRejected,
        RunnerFailure.NotReady => ExitCodes.EchoNotReady,
        RunnerFailure.JoinFailed => ExitCodes.RunFailed,
        RunnerFailure.EchoLost => ExitCodes.RunFailed,
        _ => ExitCodes.InternalError,
    };

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

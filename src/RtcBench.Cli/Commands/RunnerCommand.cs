using System.CommandLine;
using RtcBench.Cli.Fleet;
using RtcBench.Cli.Output;
using RtcBench.Cli.Parsing;
using RtcBench.Storage.Delivery;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench runner --plan FILE</c>: measure on a schedule until stopped (docs/runner-plan.md).</summary>
internal static class RunnerCommand
{
    public static Command Create(CliContext ctx)
    {
        var plan = CliOption.File("--plan", "The plan: JSON with the agent, the results service, the jobs (platforms, channels, counts, a cron schedule each) and the jitter; see docs/runner-plan.md.");
        var status = CliOption.File("--status-file", "Keep the runner's health in this JSON file (state, each job's last and next run, the spool as reported to the results service), rewritten atomically on every change.");
        var store = new Option<string?>("--store") { HelpName = "url", Description = "The results service, http(s)://HOST:PORT, when the plan names none (default $RTCBENCH_STORE)." };
        var storeToken = new Option<string?>("--store-token") { HelpName = "token", Description = $"Ingest token for the results service (prefer ${DeliveryHelp.TokenVariable}: command lines are visible to other users)." };
        var keys = new ApiKeyOptions();
        var logFormat = AgentCommand.LogFormatOption();
        var command = new Command("runner",
            "Measure on a schedule until stopped: each job of the plan runs on its cron schedule (UTC) plus a random jitter, so a fleet "
            + "does not fire at once; runs are posted to the results service, and spooled while it is down (flushed before every run); "
            + "the spool is reported to the service (its /metrics) at every change and at least once a minute. "
            + "An agent or service that is down costs that attempt, not the runner. Ctrl-C or SIGTERM ends a run in progress as partial, "
            + "delivers it and exits 0. Exit 2 for a bad plan (every problem listed).");
        command.Options.Add(plan);
        command.Options.Add(status);
        command.Options.Add(store);
        command.Options.Add(storeToken);
        keys.AddTo(command);
        command.Options.Add(logFormat);
        command.SetAction(async (parse, _) =>
        {
            var file = parse.GetValue(plan);
            if (file is null)
            {
                return ctx.Fail(ExitCodes.Usage, "--plan is required: a JSON plan file, see docs/runner-plan.md");
            }
            var loaded = PlanLoader.Load(file.FullName, out var errors);
            if (loaded is null)
            {
                foreach (string e in errors)
                {
                    ctx.Fail(ExitCodes.Usage, e);
                }
                return ExitCodes.Usage;
            }
            string? spec = loaded.Store ?? parse.GetValue(store) ?? ctx.GetEnvironment("RTCBENCH_STORE");
            if (!ResultServiceClient.TryParseUrl(spec, out var service) || service is null)
            {
                return ctx.Fail(ExitCodes.Usage, spec is null
                    ? "the runner needs a results service: \"store\": \"http://HOST:PORT\" in the plan, --store or $RTCBENCH_STORE"
                    : $"store: '{spec}' is not a results service URL, http(s)://HOST:PORT");
            }
            if (!keys.TryResolve(parse, ctx, out string? key, out string keyError))
            {
                return ctx.Fail(ExitCodes.Usage, keyError);
            }
            if (!Hosting.ConsoleLogging.TryResolveFormat(parse.GetValue(logFormat), ctx.GetEnvironment(Hosting.ConsoleLogging.FormatVariable), out bool json, out string formatError))
            {
                return ctx.Fail(ExitCodes.Usage, formatError);
            }
            using var log = new EventLog(ctx.Error, "rtcbench runner", "RtcBench.Runner", json);
            ctx.Events = log;
            ctx.Interrupts.OnInterrupt = n => log.Info("stopping", n == 1
                ? "stopping: a run in progress ends as partial and is delivered (Ctrl-C again to stop now)"
                : "stopping now", ("Signal", n == 1 ? "first" : "second"));
            var runner = new ScheduledRunner(ctx, loaded, service, DeliveryHelp.Token(parse.GetValue(storeToken), ctx), key, parse.GetValue(status)?.FullName, log);
            return await runner.RunAsync();
        });
        return command;
    }
}

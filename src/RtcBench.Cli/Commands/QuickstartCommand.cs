using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using RtcBench.Agent;
using RtcBench.Janus;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Platforms;
using RtcBench.Storage.Delivery;

namespace RtcBench.Cli.Commands;

/// <summary>
/// <c>rtcbench quickstart</c>: start an echo agent in this process on a free loopback port, measure every local
/// platform (no accounts needed), and janus when JANUS_URL names a usable Janus (else it says how to include it),
/// print and store the result.
/// </summary>
internal static class QuickstartCommand
{
    public static Command Create(CliContext ctx)
    {
        var measurement = new MeasurementOptions();
        var command = new Command("quickstart", $"Try it now: start a local echo agent in-process, measure the local platforms ({string.Join(", ", PlatformCatalog.LocalPlatforms)}), and janus too when JANUS_URL names a usable Janus (JANUS_ADMIN_KEY, JANUS_API_SECRET as for the agent), print and store the result.");
        measurement.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            bool quiet = parse.GetValue(measurement.Quiet);
            if (RunExecution.Validate(ctx, measurement, parse) is { } usage)
            {
                return usage; // before starting anything
            }
            using var events = measurement.CreateEvents(parse, ctx);
            ctx.Events = events;
            if (!quiet)
            {
                events.Info("step", "starting a local echo agent");
            }
            JanusAgentOptions janusOptions;
            try
            {
                janusOptions = JanusAgentOptions.FromEnvironment(ctx.GetEnvironment);
            }
            catch (AgentConfigurationException ex)
            {
                return ctx.Fail(ExitCodes.Usage, string.Join("; ", ex.Problems));
            }
            string? janusProblem = janusOptions.Enabled ? await JanusUnusableAsync(janusOptions, ctx.Interrupts.AbortRequested) : null;
            bool withJanus = janusOptions.Enabled && janusProblem is null;
            if (!quiet)
            {
                events.Info("step", withJanus ? $"janus: measuring too ({janusOptions.Url!.GetLeftPart(UriPartial.Path)}, path sfu)"
                    : janusProblem is not null ? $"janus: not measured: {janusProblem}"
                    : "janus: not measured: set JANUS_URL (and JANUS_ADMIN_KEY if its plugins have one) to a Janus with data channels and the VideoRoom plugin to include it (README, Janus)");
            }
            var platforms = withJanus ? [.. PlatformCatalog.LocalPlatforms, "janus"] : PlatformCatalog.LocalPlatforms;
            var options = new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Location = "local", Janus = withJanus ? janusOptions : JanusAgentOptions.Off };
            using var loggerFactory = AgentCommand.CreateLoggerFactory(LogLevel.Warning, events.Json);
            RunningAgent agent;
            try
            {
                agent = await AgentHost.StartAsync(options, loggerFactory, ctx.Interrupts.AbortRequested);
            }
            catch (Exception ex) when (ex is AgentConfigurationException or IOException)
            {
                return ctx.Fail(ExitCodes.InternalError, $"cannot start the local agent: {ex.Message}");
            }
            await using (agent)
            {
                if (!quiet)
                {
                    events.Info("step", $"started a local echo agent at {agent.BaseUrl}", ("AgentUrl", agent.BaseUrl.ToString()));
                }
                var delivery = new DeliveryTally();
                int exit = await RunExecution.ExecuteAsync(
                    ctx, measurement, parse, agent.BaseUrl, apiKey: null, platforms, delivery: delivery);
                await agent.StopAsync();
                if (exit == ExitCodes.Ok && !quiet && !parse.GetValue(measurement.Json))
                {
                    events.Info("next", NextStep(ctx, ServiceUrl(ctx, measurement, parse), delivery));
                }
                return exit;
            }
        });
        return command;
    }

    /// <summary>
    /// Why the Janus at JANUS_URL cannot be measured here, or null when it can: one <c>info</c> request (the client's
    /// own request timeout bounds it), which must show data channels and the VideoRoom plugin. Cheap, and honest: a
    /// Janus that does not answer is said to be skipped rather than turned into a failed run.
    /// </summary>
    private static async Task<string?> JanusUnusableAsync(JanusAgentOptions options, CancellationToken ct)
    {
        try
        {
            await using var client = await JanusClient.ConnectAsync(options.ClientOptions(), ct);
            var info = await client.GetInfoAsync(ct);
            return !info.DataChannels ? $"Janus {info.Version} at JANUS_URL was built without data channels"
                : !info.Plugins.Contains(JanusPlugins.VideoRoom) ? $"Janus {info.Version} at JANUS_URL has no {JanusPlugins.VideoRoom} plugin loaded"
                : null;
        }
        catch (JanusException ex)
        {
            return $"JANUS_URL is set but Janus is not usable: {ex.Message}";
        }
    }

    /// <summary>
    /// The last line: the dashboard of the results service the runs went to; when it could not be reached and the
    /// runs were spooled, where they are and how to send them instead (never the URL of a service that is down).
    /// </summary>
    private static string NextStep(CliContext ctx, Uri? service, DeliveryTally delivery)
    {
        if (service is null)
        {
            return $"next: `{ctx.Command("results list")}` shows stored runs; `{ctx.Command("agent")}` + `{ctx.Command("run --agent URL")}` measure between two machines.";
        }
        string url = service.ToString().TrimEnd('/');
        if (delivery.Spooled > 0)
        {
            return $"next: {url} could not be reached, so {delivery.Spooled} run(s) wait in {delivery.SpoolDirectory}; "
                + $"once it is up, `{ctx.Command("push --store " + url)}` sends them (the next run with this --store does too).";
        }
        return $"dashboard: {new Uri(service, "/")} (the results service's page: every platform, location and run)";
    }

    /// <summary>The results service the runs went to (<c>--store http(s)://…</c>), or null.</summary>
    private static Uri? ServiceUrl(CliContext ctx, MeasurementOptions measurement, ParseResult parse)
    {
        string? spec = parse.GetValue(measurement.NoStore) ? null : StoreHelp.Resolve(parse.GetValue(measurement.Store), ctx);
        return spec is not null && ResultServiceClient.TryParseUrl(spec, out var service) ? service : null;
    }
}

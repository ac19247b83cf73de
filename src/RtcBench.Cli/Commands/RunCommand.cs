using System.CommandLine;
using RtcBench.Cli.Parsing;
using RtcBench.Platforms;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench run</c>: measure one or more platforms through a running echo agent.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext ctx)
    {
        var agent = new Option<Uri>("--agent")
        {
            Description = "Echo agent base URL, e.g. http://127.0.0.1:8080 (default $RTCBENCH_AGENT_URL).",
            HelpName = "url",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    result.AddError($"--agent: '{text}' is not an http(s) URL, e.g. http://127.0.0.1:8080");
                    return null!;
                }
                return uri;
            },
        };
        agent.Expecting("an http(s) URL, e.g. http://127.0.0.1:8080");
        var platform = new Option<string[]>("--platform", "-p")
        {
            Description = $"Platform(s) to measure, comma-separated or repeated. Available: {string.Join(", ", PlatformCatalog.Names)}.",
            DefaultValueFactory = _ => ["udp"],
            AllowMultipleArgumentsPerToken = false,
        };
        platform.Validators.Add(result =>
        {
            var unknown = Split(result.Tokens.Select(t => t.Value)).Where(p => !PlatformCatalog.Names.Contains(p)).ToList();
            if (unknown.Count > 0)
            {
                result.AddError($"--platform: {string.Join(", ", unknown.Select(p => $"'{p}'"))} {(unknown.Count == 1 ? "is not a platform" : "are not platforms")}; available: {string.Join(", ", PlatformCatalog.Names)}");
            }
        });
        platform.Expecting($"one or more of {string.Join(", ", PlatformCatalog.Names)}");
        var dailyTopology = CliOption.Choice("--daily-topology",
            "Daily only: sfu (app messages over Daily's WebSocket via its servers) or p2p (over a data channel between the two browsers).",
            "sfu", "sfu", "p2p");
        dailyTopology.HelpName = "sfu|p2p";
        var janusPath = CliOption.Choice("--janus-path",
            "Janus only: sfu (runner -> Janus VideoRoom -> echo -> Janus -> runner, the SFU crossed twice) or textroom (the same through the TextRoom plugin's JSON messages), both reliable only (Janus relays them on reliable channels); echo (runner <-> Janus's EchoTest, one server hop: reliable and lossy; Janus returns the ping itself, so no net RTT).",
            "sfu", "sfu", "textroom", "echo");
        janusPath.HelpName = "sfu|textroom|echo";
        var measurement = new MeasurementOptions();
        var keys = new ApiKeyOptions();
        var command = new Command("run",
            "Measure round trips to an echo agent over one or more platforms, print and store the result. "
            + "If the echo goes away mid-run (agent killed, room closed, echo participant left), the run ends at once "
            + "with outcome failed/echo-lost and exit 6: the pings measured before are kept, later ones are 'abandoned', never 'lost'.");
        command.Options.Add(agent);
        command.Options.Add(platform);
        command.Options.Add(dailyTopology);
        command.Options.Add(janusPath);
        measurement.AddTo(command);
        keys.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            Uri? agentUrl = parse.GetValue(agent);
            if (agentUrl is null)
            {
                string? fromEnv = ctx.GetEnvironment("RTCBENCH_AGENT_URL");
                if (string.IsNullOrWhiteSpace(fromEnv))
                {
                    return ctx.Fail(ExitCodes.Usage, $"--agent is required (or set RTCBENCH_AGENT_URL); to try it all locally run: {ctx.Command("quickstart")}");
                }
                if (!Uri.TryCreate(fromEnv, UriKind.Absolute, out agentUrl) || (agentUrl.Scheme != Uri.UriSchemeHttp && agentUrl.Scheme != Uri.UriSchemeHttps))
                {
                    return ctx.Fail(ExitCodes.Usage, $"RTCBENCH_AGENT_URL: '{fromEnv}' is not an http(s) URL, e.g. http://127.0.0.1:8080");
                }
            }
            var platforms = Split(parse.GetValue(platform) ?? []);
            if (platforms.Count == 0)
            {
                return ctx.Fail(ExitCodes.Usage, $"--platform: no platform given; available: {string.Join(", ", PlatformCatalog.Names)}");
            }
            if (!keys.TryResolve(parse, ctx, out string? key, out string keyError))
            {
                return ctx.Fail(ExitCodes.Usage, keyError);
            }
            return await RunExecution.ExecuteAsync(ctx, measurement, parse, agentUrl, key, platforms, parse.GetValue(dailyTopology), janusPath: parse.GetValue(janusPath));
        });
        return command;
    }

    /// <summary>"udp,direct" and repeated options as one list of lower-case names, without repeats.</summary>
    private static List<string> Split(IEnumerable<string> values) => values
        .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Select(p => p.ToLowerInvariant())
        .Distinct()
        .ToList();
}

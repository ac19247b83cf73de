using System.CommandLine;
using Microsoft.Extensions.Logging;
using RtcBench.Agent;
using RtcBench.Cli.Parsing;
using RtcBench.Hosting;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench agent</c>: run the echo agent until Ctrl-C / SIGTERM.</summary>
internal static class AgentCommand
{
    /// <summary>
    /// The daily platform is on when DAILY_API_KEY is set. RTCBENCH_DAILY_API_URL points the REST client elsewhere
    /// (a stand-in); RTCBENCH_DAILY_GEO pins the region of new rooms.
    /// </summary>
    internal static DailyAgentOptions DailyFromEnvironment(CliContext ctx) => new()
    {
        ApiKey = NullIfBlank(ctx.GetEnvironment("DAILY_API_KEY")),
        ApiBaseUrl = Uri.TryCreate(ctx.GetEnvironment("RTCBENCH_DAILY_API_URL"), UriKind.Absolute, out var url) ? url : null,
        Geo = NullIfBlank(ctx.GetEnvironment("RTCBENCH_DAILY_GEO")),
    };

    /// <summary>
    /// The livekit platform is on when LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are all set; a partial set
    /// throws <see cref="AgentConfigurationException"/> naming the missing variables (never a value of the secret).
    /// </summary>
    internal static LiveKitAgentOptions LiveKitFromEnvironment(CliContext ctx) => LiveKitAgentOptions.FromEnvironment(ctx.GetEnvironment);

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static Command Create(CliContext ctx)
    {
        var listen = new Option<string>("--listen") { Description = "HTTP listen address HOST:PORT. Anything but loopback requires an API key.", DefaultValueFactory = _ => "127.0.0.1:8080", HelpName = "host:port" }
            .Expecting("HOST:PORT, e.g. 127.0.0.1:8080");
        var udpPort = CliOption.Int("--udp-port", "UDP echo port on the same address (0 = any free port; set one for firewalls).", 0, 0, 65535);
        var publicHost = CliOption.Text("--public-host", "Host name or IP that runners should use to reach this agent's UDP/WebRTC ports (default: the host they used for HTTP).", 253, "host");
        publicHost.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || c == '/'))
            {
                result.AddError($"--public-host: '{text}' is not a host name or IP address");
            }
        });
        var location = CliOption.Text("--location", "Where this agent runs (e.g. a cloud region id, at most 128 characters); reported to runners. Default $RTCBENCH_AGENT_LOCATION.", 128, "id");
        var roomTtl = CliOption.Duration("--room-ttl", "Default room lifetime when a runner asks for none, 1s to 24h.", "10m", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        var maxRooms = CliOption.Int("--max-rooms", "Rooms open at once before /connect answers 503.", 1000, 1, int.MaxValue);
        var directDtlsRole = CliOption.Choice("--direct-dtls-role", "The agent's DTLS role on the direct platform: server (answers a=setup:passive) or client (a=setup:active).", "server", "server", "client");
        var directSocket = CliOption.Choice("--direct-socket", "The direct platform's UDP sockets: shared (one per address for every session, demultiplexed by ICE ufrag and remote address) or per-session (one socket and receive thread each).", "shared", "shared", "per-session");
        var directEngine = CliOption.Choice("--direct-engine", "What runs each direct session: core (RtcCore on the shared socket's receive thread, each ping answered on the thread that received it; shared socket only, so --direct-socket per-session runs peer unless core is asked for, which is refused) or peer (PeerConnection: the same core behind a shell per session, each ping answered on its receive thread).", "core", "core", "peer");
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log at Debug level." };
        var logFormat = LogFormatOption();
        var metricsAuth = CliOption.Choice("--metrics-auth",
            "Who may read GET /metrics when an API key is set: key (send the API key) or open (anyone who can reach the port).",
            "key", "key", "open");
        var keys = new ApiKeyOptions();
        var command = new Command("agent",
            "Run the echo agent: creates rooms on POST /connect and echoes every ping straight back. Platforms: udp and direct "
            + "always; daily when DAILY_API_KEY is set; livekit when LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are all set; "
            + "janus when JANUS_URL is set (with JANUS_ADMIN_KEY for the rooms, JANUS_API_SECRET or JANUS_TOKEN when Janus wants them). "
            + "GET /health lists the platforms this agent offers.");
        foreach (var o in new Option[] { listen, udpPort, publicHost, location, roomTtl, maxRooms, directDtlsRole, directSocket, directEngine, metricsAuth, verbose, logFormat })
        {
            command.Options.Add(o);
        }
        keys.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            if (!EndpointParser.TryParse(parse.GetValue(listen), out var endpoint, out string listenError))
            {
                return ctx.Fail(ExitCodes.Usage, $"--listen: {listenError}");
            }
            if (!DurationParser.TryParse(parse.GetValue(roomTtl), out var ttl, out string ttlError))
            {
                return ctx.Fail(ExitCodes.Usage, $"--room-ttl: {ttlError}");
            }
            bool engineGiven = parse.GetResult(directEngine) is { Implicit: false };
            bool perSession = parse.GetValue(directSocket) == "per-session";
            if (engineGiven && parse.GetValue(directEngine) == "core" && perSession)
            {
                return ctx.Fail(ExitCodes.Usage, "--direct-engine core runs on the shared socket: it cannot be combined with --direct-socket per-session");
            }
            if (!keys.TryResolve(parse, ctx, out string? key, out string keyError))
            {
                return ctx.Fail(ExitCodes.Usage, keyError);
            }
            if (!ConsoleLogging.TryResolveFormat(parse.GetValue(logFormat), ctx.GetEnvironment(ConsoleLogging.FormatVariable), out bool json, out string formatError))
            {
                return ctx.Fail(ExitCodes.Usage, formatError);
            }
            LiveKitAgentOptions livekit;
            JanusAgentOptions janus;
            try
            {
                livekit = LiveKitFromEnvironment(ctx);
                janus = JanusAgentOptions.FromEnvironment(ctx.GetEnvironment);
            }
            catch (AgentConfigurationException ex)
            {
                return ctx.Fail(ExitCodes.Usage, string.Join("; ", ex.Problems));
            }
            var options = new AgentOptions
            {
                Listen = endpoint,
                ApiKey = key,
                UdpPort = parse.GetValue(udpPort),
                PublicHost = parse.GetValue(publicHost),
                Location = parse.GetValue(location) ?? ctx.GetEnvironment("RTCBENCH_AGENT_LOCATION"),
                DefaultRoomTtl = ttl,
                MaxRooms = parse.GetValue(maxRooms),
                MetricsOpen = parse.GetValue(metricsAuth) == "open",
                DirectDtlsRole = parse.GetValue(directDtlsRole) == "client" ? Rtc.Dtls.DtlsRole.Client : Rtc.Dtls.DtlsRole.Server,
                DirectSocket = parse.GetValue(directSocket) == "per-session" ? Agent.Platforms.DirectSocketMode.PerSession : Agent.Platforms.DirectSocketMode.Shared,
                DirectEngine = !engineGiven ? (perSession ? Agent.Platforms.DirectEngine.Peer : AgentOptions.DefaultDirectEngine)
                    : parse.GetValue(directEngine) == "core" ? Agent.Platforms.DirectEngine.Core : Agent.Platforms.DirectEngine.Peer,
                Daily = DailyFromEnvironment(ctx),
                LiveKit = livekit,
                Janus = janus,
            };
            using var loggerFactory = CreateLoggerFactory(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information, json);
            RunningAgent agent;
            try
            {
                agent = await AgentHost.StartAsync(options, loggerFactory, ctx.Interrupts.AbortRequested);
            }
            catch (AgentConfigurationException ex)
            {
                return ctx.Fail(ExitCodes.Usage, ex.Message);
            }
            catch (IOException ex)
            {
                return ctx.Fail(ExitCodes.Usage, $"cannot listen on {endpoint}: {ex.Message}");
            }
            await using (agent)
            {
                ctx.Error.WriteLine($"rtcbench: agent {Core.ToolInfo.Version} listening on {agent.BaseUrl} (udp {agent.UdpEndpoint}){(key is null ? "" : ", API key required")}; platforms: {string.Join(", ", agent.EnabledPlatforms)}; Ctrl-C to stop");
                try
                {
                    await agent.WaitForShutdownAsync(ctx.Interrupts.StopRequested);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C / SIGTERM: stop below.
                }
                ctx.Error.WriteLine("rtcbench: agent stopping");
                await agent.StopAsync();
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>--log-format text|json</c> (no default value: unset, <c>$RTCBENCH_LOG_FORMAT</c> decides, else text).</summary>
    internal static Option<string?> LogFormatOption(string? description = null)
    {
        var option = new Option<string?>("--log-format")
        {
            Description = description ?? $"Log lines on stderr as text or json (one JSON object per line); default ${ConsoleLogging.FormatVariable}, else text.",
            HelpName = "text|json",
        };
        option.CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Array.IndexOf(ConsoleLogging.Formats, text) < 0)
            {
                result.AddError($"--log-format: '{text}' is not a choice; use text or json");
                return null;
            }
            return text;
        };
        return option;
    }

    internal static ILoggerFactory CreateLoggerFactory(LogLevel level, bool json = false) => ConsoleLogging.Create(level, json);
}

using System.CommandLine;
using Microsoft.Extensions.Logging;
using RtcBench.Cli.Parsing;
using RtcBench.Server;
using RtcBench.Storage;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench serve</c>: run the results service (ingest + query API) until Ctrl-C / SIGTERM.</summary>
internal static class ServeCommand
{
    public const string TokenVariable = "RTCBENCH_INGEST_TOKEN";

    public static Command Create(CliContext ctx)
    {
        var listen = new Option<string>("--listen") { Description = "HTTP listen address HOST:PORT. Anything but loopback requires an ingest token.", DefaultValueFactory = _ => "127.0.0.1:8090", HelpName = "host:port" }
            .Expecting("HOST:PORT, e.g. 127.0.0.1:8090");
        var store = new Option<string?>("--store") { HelpName = "spec", Description = StoreHelp.Text };
        var tokenFile = CliOption.File("--ingest-token-file", $"Read the ingest token runners must send from this file (first line); default ${TokenVariable}.");
        var maxBody = CliOption.Int("--max-body-mib", "Largest result document accepted, in MiB, 1 to 1024 (larger answers 413).", ServerOptions.DefaultMaxBodyBytes >> 20, 1, 1024);
        var retention = CliOption.OptionalPeriod("--ping-retention",
            "Delete the raw pings of runs that started longer ago than this (at start-up, then hourly), e.g. 30d; runs, " +
            "their statistics and histograms, and the rollups that aggregated queries read are kept. Default: keep pings.",
            TimeSpan.FromHours(1), TimeSpan.FromDays(36500));
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log at Debug level." };
        var logFormat = AgentCommand.LogFormatOption();
        var metricsAuth = CliOption.Choice("--metrics-auth",
            "Who may read GET /metrics: open (default, like every read) or token (send the ingest token; needs one).",
            "open", "open", "token");
        var command = new Command("serve",
            "Run the results service: runners POST results to /api/runs; users query /api/results/... (aggregated, timeseries, " +
            "locations, latest, compare), /api/runs, /health, /metrics (Prometheus) and /openapi.json.");
        foreach (var o in new Option[] { listen, store, tokenFile, maxBody, retention, metricsAuth, verbose, logFormat })
        {
            command.Options.Add(o);
        }
        command.SetAction(async (parse, _) =>
        {
            if (!EndpointParser.TryParse(parse.GetValue(listen), out var endpoint, out string listenError))
            {
                return ctx.Fail(ExitCodes.Usage, $"--listen: {listenError}");
            }
            if (!TryReadToken(parse.GetValue(tokenFile), ctx, out string? token, out string tokenError))
            {
                return ctx.Fail(ExitCodes.Usage, tokenError);
            }
            if (!Hosting.ConsoleLogging.TryResolveFormat(parse.GetValue(logFormat), ctx.GetEnvironment(Hosting.ConsoleLogging.FormatVariable), out bool json, out string formatError))
            {
                return ctx.Fail(ExitCodes.Usage, formatError);
            }
            int mib = parse.GetValue(maxBody);
            string spec = StoreHelp.Resolve(parse.GetValue(store), ctx);
            if (!ResultStoreFactory.TryParse(spec, out var storeSpec, out string storeError))
            {
                return ctx.Fail(ExitCodes.Usage, $"--store: {storeError}");
            }
            var options = new ServerOptions { Listen = endpoint, IngestToken = token, MaxBodyBytes = mib << 20, PingRetention = parse.GetValue(retention), MetricsRequireToken = parse.GetValue(metricsAuth) == "token" };
            using var loggerFactory = AgentCommand.CreateLoggerFactory(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information, json);
            await using var resultStore = ResultStoreFactory.Open(spec);
            try
            {
                await resultStore.InitializeAsync(ctx.Interrupts.AbortRequested);
            }
            catch (InvalidOperationException ex)
            {
                return ctx.Fail(ExitCodes.StoreFailed, $"store {storeSpec}: {ex.Message}");
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                // Not fatal: requests answer 503 until the store is reachable, then the service recovers by itself.
                ctx.Error.WriteLine($"rtcbench: warning: store {storeSpec} is unreachable for now ({ex.GetType().Name}); serving 503 until it is");
            }
            RunningServer server;
            try
            {
                server = await ServerHost.StartAsync(options, resultStore, loggerFactory, ct: ctx.Interrupts.AbortRequested);
            }
            catch (ServerConfigurationException ex)
            {
                return ctx.Fail(ExitCodes.Usage, ex.Message);
            }
            catch (IOException ex)
            {
                return ctx.Fail(ExitCodes.Usage, $"cannot listen on {endpoint}: {ex.Message}");
            }
            await using (server)
            {
                ctx.Error.WriteLine($"rtcbench: results service {Core.ToolInfo.Version} listening on {server.BaseUrl} (store {storeSpec}){(token is null ? "" : ", ingest token required")}; dashboard: {server.BaseUrl}; Ctrl-C to stop");
                try
                {
                    await server.WaitForShutdownAsync(ctx.Interrupts.StopRequested);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C / SIGTERM: stop below.
                }
                ctx.Error.WriteLine("rtcbench: results service stopping");
                await server.StopAsync();
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>--ingest-token-file, else $RTCBENCH_INGEST_TOKEN, else none. Never printed.</summary>
    private static bool TryReadToken(FileInfo? file, CliContext ctx, out string? token, out string error)
    {
        error = "";
        token = null;
        if (file is not null)
        {
            try
            {
                token = File.ReadLines(file.FullName).FirstOrDefault()?.Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"cannot read --ingest-token-file {file.FullName}: {ex.Message}";
                return false;
            }
            if (string.IsNullOrEmpty(token))
            {
                error = $"--ingest-token-file {file.FullName} is empty";
                return false;
            }
            return true;
        }
        token = ctx.GetEnvironment(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            token = null;
        }
        return true;
    }
}

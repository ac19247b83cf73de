using System.CommandLine;
using System.Text.Json;
using RtcBench.Cli.Output;
using RtcBench.Cli.Parsing;
using RtcBench.Core.Results;
using RtcBench.Storage;
using Spectre.Console;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench results list|show</c>: read stored runs back.</summary>
internal static class ResultsCommand
{
    public static Command Create(CliContext ctx)
    {
        var store = new Option<string?>("--store") { HelpName = "spec", Description = StoreHelp.Text };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };

        var platform = new Option<string?>("--platform") { Description = "Only runs of this platform." };
        var location = new Option<string?>("--location") { Description = "Only runs from this location." };
        var channel = CliOption.OptionalChoice("--channel", "Only runs on this channel (reliable or lossy).", "reliable", "lossy");
        var limit = CliOption.Int("--limit", "How many runs to show (1-1000), newest first.", 20, 1, 1000);
        var offset = CliOption.Int("--offset", "Skip this many runs (paging).", 0, 0, int.MaxValue);
        var list = new Command("list", "List stored runs, newest first. Reads never create a store: a missing one exits 8.");
        foreach (var o in new Option[] { store, platform, location, channel, limit, offset, json })
        {
            list.Options.Add(o);
        }
        list.SetAction(async (parse, ct) =>
        {
            int n = parse.GetValue(limit);
            return await WithStoreAsync(ctx, parse.GetValue(store), StoreAccess.ReadExisting, async (s, _) =>
            {
                var page = await s.ListRunsAsync(new RunQuery
                {
                    Platform = parse.GetValue(platform),
                    Location = parse.GetValue(location),
                    Channel = parse.GetValue(channel),
                    Limit = n,
                    Offset = parse.GetValue(offset),
                }, ct);
                if (parse.GetValue(json))
                {
                    ctx.Out.WriteLine(JsonSerializer.Serialize(page, ResultJson.Indented));
                    return ExitCodes.Ok;
                }
                if (page.Items.Count == 0)
                {
                    ctx.Error.WriteLine($"rtcbench: no stored runs match; run `{ctx.Command("quickstart")}` to make one");
                    return ExitCodes.Ok;
                }
                var table = new Table().Border(TableBorder.Rounded).Title($"{page.Items.Count} of {page.Total} runs (latency in ms)");
                foreach (string c in new[] { "run id", "started (UTC)", "platform", "channel", "location", "outcome", "ok/sent", "loss", "p50", "p95", "p99" })
                {
                    table.AddColumn(c);
                }
                foreach (var r in page.Items)
                {
                    table.AddRow(
                        Markup.Escape(r.RunId),
                        Format.Time(r.StartedAt),
                        Markup.Escape(r.Platform),
                        Markup.Escape(r.Channel),
                        Markup.Escape(r.Location ?? "-"),
                        Markup.Escape(r.OutcomeStatus),
                        $"{r.Ok}/{r.Sent}",
                        Format.Percent(r.LossRate),
                        Format.Ms(r.RttP50Us),
                        Format.Ms(r.RttP95Us),
                        Format.Ms(r.RttP99Us));
                }
                Console(ctx).Write(table);
                return ExitCodes.Ok;
            });
        });

        var runId = new Argument<string>("run-id")
        {
            Description = $"The run's id as shown by `results list` (32 hex digits), or its first {RunIdArgument.MinPrefix} or more digits when they name one run.",
        };
        var pings = new Option<bool>("--pings") { Description = "Also list every ping (the JSON always includes them)." };
        var show = new Command("show",
            "Show one stored run: statistics, and with --pings every ping. A run that is not stored, or a missing store, exits 8; " +
            "a prefix that several runs share exits 2 and lists them.");
        show.Arguments.Add(runId);
        foreach (var o in new Option[] { store, pings, json })
        {
            show.Options.Add(o);
        }
        show.SetAction(async (parse, ct) =>
        {
            if (!RunIdArgument.TryNormalize(parse.GetValue(runId)!, out string id, out string idError))
            {
                return ctx.Fail(ExitCodes.Usage, idError);
            }
            return await WithStoreAsync(ctx, parse.GetValue(store), StoreAccess.ReadExisting, async (s, where) =>
            {
                var (fullId, exit) = await RunIdArgument.ResolveAsync(ctx, s, id, where, ct);
                if (fullId is null)
                {
                    return exit;
                }
                bool asJson = parse.GetValue(json);
                var run = await s.GetRunAsync(fullId, includePings: asJson || parse.GetValue(pings), ct);
                if (run is null)
                {
                    return ctx.Fail(ExitCodes.NotFound, $"no run {fullId} in {where}");
                }
                if (asJson)
                {
                    ctx.Out.WriteLine(ResultJson.Serialize(run, indented: true));
                    return ExitCodes.Ok;
                }
                var console = Console(ctx);
                console.WriteLine($"run {run.RunId}: {run.Platform}/{run.Channel} from {run.Location ?? "-"}, {Format.Time(run.StartedAt)} to {Format.Time(run.EndedAt)}");
                SummaryView.Write(console, [run]);
                if (parse.GetValue(pings))
                {
                    var table = new Table().Border(TableBorder.Simple);
                    foreach (string c in new[] { "seq", "status", "sent (UTC)", "RTT ms", "net RTT ms", "send delay ms" })
                    {
                        table.AddColumn(c);
                    }
                    foreach (var p in run.Pings)
                    {
                        table.AddRow(Format.Int(p.Seq), p.Status, p.SentAt is { } t ? t.UtcDateTime.ToString("HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) : "-",
                            Format.Ms(p.RttUs), Format.Ms(p.NetRttUs), Format.Ms(p.SendDelayUs));
                    }
                    console.Write(table);
                }
                return ExitCodes.Ok;
            });
        });

        var command = new Command("results", "Read stored results.");
        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(ExportCommand.Create(ctx, store, platform, location, channel));
        return command;
    }

    private static IAnsiConsole Console(CliContext ctx) => ctx.OutConsole();

    /// <summary>The --store option naming a store in a hint; never a PostgreSQL spec (it may hold a password).</summary>
    private static string StoreOption(StoreSpec spec) => spec.Kind == StoreKind.Sqlite ? $"--store {spec}" : "--store SPEC";

    /// <summary>
    /// Opens the store of <c>--store</c> (else $RTCBENCH_STORE, else the default SQLite file) and runs
    /// <paramref name="action"/>; every store error is one line: a missing store exits <see cref="ExitCodes.NotFound"/>
    /// (a reader never creates one), any other <see cref="ExitCodes.StoreFailed"/>.
    /// </summary>
    internal static async Task<int> WithStoreAsync(
        CliContext ctx, string? spec, StoreAccess access, Func<IResultStore, StoreSpec, Task<int>> action)
    {
        spec = StoreHelp.Resolve(spec, ctx);
        if (!ResultStoreFactory.TryParse(spec, out var parsed, out string error))
        {
            return ctx.Fail(ExitCodes.Usage, $"--store: {error}");
        }
        try
        {
            await using var store = ResultStoreFactory.Open(spec, access);
            await store.InitializeAsync(CancellationToken.None);
            return await action(store, parsed);
        }
        catch (StoreNotFoundException ex)
        {
            return ctx.Fail(ExitCodes.NotFound,
                $"{ex.Message} (reads never create a store; `{ctx.Command("run")}` stores runs there, `{ctx.Command("db migrate " + StoreOption(parsed))}` creates it empty)");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or System.Data.Common.DbException or ArgumentException)
        {
            return ctx.Fail(ExitCodes.StoreFailed, $"cannot {(access == StoreAccess.ReadExisting ? "read" : "open")} {parsed}: {ex.Message}");
        }
    }
}

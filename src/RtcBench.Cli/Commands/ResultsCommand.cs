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
        var list = new Command("list", "List stored runs, newest first.");
        foreach (var o in new Option[] { store, platform, location, channel, limit, offset, json })
        {
            list.Options.Add(o);
        }
        list.SetAction(async (parse, ct) =>
        {
            int n = parse.GetValue(limit);
            return await WithStoreAsync(ctx, parse.GetValue(store), async s =>
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
                    ctx.Error.WriteLine("rtcbench: no stored runs match; run `rtcbench quickstart` to make one");
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

        var runId = new Argument<string>("run-id") { Description = "The run's id (32 hex digits) as shown by `results list`." };
        var pings = new Option<bool>("--pings") { Description = "Also list every ping (the JSON always includes them)." };
        var show = new Command("show", "Show one stored run: statistics, and with --pings every ping.");
        show.Arguments.Add(runId);
        foreach (var o in new Option[] { store, pings, json })
        {
            show.Options.Add(o);
        }
        show.SetAction(async (parse, ct) =>
        {
            string id = parse.GetValue(runId)!.Trim().Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
            if (id.Length != 32 || !id.All(Uri.IsHexDigit))
            {
                return ctx.Fail(ExitCodes.Usage, $"'{parse.GetValue(runId)}' is not a run id (32 hex digits)");
            }
            return await WithStoreAsync(ctx, parse.GetValue(store), async s =>
            {
                bool asJson = parse.GetValue(json);
                var run = await s.GetRunAsync(id, includePings: asJson || parse.GetValue(pings), ct);
                if (run is null)
                {
                    return ctx.Fail(ExitCodes.Usage, $"no run {id} in this store");
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
        return command;
    }

    private static IAnsiConsole Console(CliContext ctx) => ctx.OutConsole();

    internal static async Task<int> WithStoreAsync(CliContext ctx, string? spec, Func<IResultStore, Task<int>> action)
    {
        spec = StoreHelp.Resolve(spec, ctx);
        if (!ResultStoreFactory.TryParse(spec, out var parsed, out string error))
        {
            return ctx.Fail(ExitCodes.Usage, $"--store: {error}");
        }
        try
        {
            await using var store = ResultStoreFactory.Open(spec);
            await store.InitializeAsync(CancellationToken.None);
            return await action(store);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or System.Data.Common.DbException or ArgumentException)
        {
            return ctx.Fail(ExitCodes.StoreFailed, $"cannot read {parsed}: {ex.Message}");
        }
    }
}

using System.CommandLine;
using System.Text;
using RtcBench.Cli.Export;
using RtcBench.Cli.Parsing;
using RtcBench.Core.Results;
using RtcBench.Storage;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench results export</c>: stored runs as CSV, JSON or an HdrHistogram log, with the filters of <c>results list</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext ctx, Option<string?> store, Option<string?> platform, Option<string?> location, Option<string?> channel)
    {
        var format = CliOption.Choice("--format",
            "csv (one row per run: figures in µs, rates as fractions), json (an array of complete result documents, pings included) "
            + "or hdr (an HdrHistogram interval log: one histogram of ok-ping RTTs in µs per run, tagged platform/channel/location/run-id).",
            "csv", "csv", "json", "hdr");
        format.HelpName = "csv|json|hdr";
        var limit = CliOption.OptionalInt("--limit", "Only the newest N matching runs (default: all).", 1, int.MaxValue);
        var output = CliOption.File("--output", "Write to this file instead of stdout.");
        var command = new Command("export",
            "Export stored runs, oldest first, with the filters of `results list`. Reads never create a store: a missing one exits 8.");
        foreach (var o in new Option[] { store, platform, location, channel, format, limit, output })
        {
            command.Options.Add(o);
        }
        command.SetAction(async (parse, ct) =>
        {
            string kind = parse.GetValue(format)!;
            return await ResultsCommand.WithStoreAsync(ctx, parse.GetValue(store), StoreAccess.ReadExisting, async (s, _) =>
            {
                var query = new RunQuery
                {
                    Platform = parse.GetValue(platform),
                    Location = parse.GetValue(location),
                    Channel = parse.GetValue(channel),
                };
                var ids = await MatchingIdsAsync(s, query, parse.GetValue(limit), ct);
                var runs = new List<RunResult>(ids.Count);
                foreach (string id in ids)
                {
                    if (await s.GetRunAsync(id, includePings: kind != "csv", ct) is { } run)
                    {
                        runs.Add(run);
                    }
                }
                string text = kind switch
                {
                    "csv" => Csv(runs),
                    "json" => runs.Count == 0 ? "[]\n" : "[\n" + string.Join(",\n", runs.Select(r => ResultJson.Serialize(r, indented: false))) + "\n]\n",
                    _ => Hdr(runs),
                };
                var file = parse.GetValue(output);
                if (file is null)
                {
                    ctx.Out.Write(text);
                }
                else
                {
                    try
                    {
                        file.Directory?.Create();
                        await File.WriteAllTextAsync(file.FullName, text, ct);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        return ctx.Fail(ExitCodes.StoreFailed, $"cannot write {file.FullName}: {ex.Message}");
                    }
                }
                ctx.Error.WriteLine($"rtcbench: exported {runs.Count} run(s) as {kind}{(file is null ? "" : $" to {file.FullName}")}");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>The ids of the matching runs (the newest <paramref name="limit"/> when given), oldest first.</summary>
    private static async Task<List<string>> MatchingIdsAsync(IResultStore store, RunQuery query, int? limit, CancellationToken ct)
    {
        var ids = new List<string>();
        int offset = 0;
        while (limit is null || ids.Count < limit)
        {
            int pageSize = limit is null ? RunQuery.MaxLimit : Math.Min(RunQuery.MaxLimit, limit.Value - ids.Count);
            var page = await store.ListRunsAsync(query with { Limit = pageSize, Offset = offset }, ct);
            ids.AddRange(page.Items.Select(r => r.RunId));
            offset += page.Items.Count;
            if (page.Items.Count < pageSize)
            {
                break;
            }
        }
        ids.Reverse();
        return ids;
    }

    private static string Csv(IReadOnlyList<RunResult> runs)
    {
        var w = new StringWriter { NewLine = "\r\n" }; // RFC 4180 line breaks
        CsvExport.WriteHeader(w);
        foreach (var run in runs)
        {
            CsvExport.WriteRow(w, run);
        }
        return w.ToString();
    }

    private static string Hdr(IReadOnlyList<RunResult> runs)
    {
        // HdrHistogram.NET's writer writes UTF-16 with a byte-order mark; the log format is ASCII text, which is
        // what the Java tools and HdrHistogram.NET's own reader (it detects the encoding) take.
        using var stream = new MemoryStream();
        HdrExport.Write(stream, runs);
        using var reader = new StreamReader(new MemoryStream(stream.ToArray()), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

using System.CommandLine;
using System.Text.Json;
using RtcBench.Cli.Compare;
using RtcBench.Cli.Output;
using RtcBench.Cli.Parsing;
using RtcBench.Core.Results;
using RtcBench.Server.Comparison;
using RtcBench.Storage;
using RtcBench.Storage.Delivery;
using RtcBench.Storage.Queries;

namespace RtcBench.Cli.Commands;

/// <summary>
/// <c>rtcbench compare A B</c>: the results service's comparison (<c>/api/results/compare</c>: bootstrap CIs of the
/// median and p95 differences, Mann–Whitney U, a winner only when both agree) on any two sets of runs — result
/// files, stored runs by id, or filters over a store. The statistics are the service's own code
/// (<see cref="Comparer"/>), so the same runs give the same answer.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliContext ctx)
    {
        var a = new Argument<string>("a") { Description = $"Side a: {CompareSource.Grammar}." };
        var b = new Argument<string>("b") { Description = "Side b, in any of the same forms." };
        var store = new Option<string?>("--store")
        {
            HelpName = "spec",
            Description = StoreHelp.Text + " Or http(s)://SERVICE: read the runs through a results service's API (run ids in full there).",
        };
        var location = CliOption.Text("--location", "For filter sides without location=: only runs from this location.", 128, "id");
        var channel = CliOption.OptionalChoice("--channel", "For filter sides without channel=: only runs on this channel (reliable or lossy).", "reliable", "lossy");
        var window = CliOption.Duration("--window", "For filter sides without window=: runs started this long before now, 1m to 8784h (the service's default is 24h).", "24h", TimeSpan.FromMinutes(1), TimeSpan.FromDays(366));
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON, in the shape GET /api/results/compare answers." };
        var command = new Command("compare",
            "Compare two sets of runs as the results service's /api/results/compare does: 95% bootstrap CIs of the median and p95 "
            + "differences and of the relative median difference, and a two-sided Mann–Whitney U test; a winner only when p < 0.05 "
            + "and the median-difference CI excludes 0. A and B are each a result file (JSON, one document or an array), a platform "
            + "(udp), a filter (platform=udp,location=eu-west,channel=lossy,window=6h) or a stored run id (or a unique prefix). "
            + "Exit 8 when a side matches no run.");
        command.Arguments.Add(a);
        command.Arguments.Add(b);
        foreach (var o in new Option[] { store, location, channel, window, json })
        {
            command.Options.Add(o);
        }
        command.SetAction(async (parse, ct) =>
        {
            if (!CompareSource.TryParse(parse.GetValue(a)!, out var sourceA, out string error)
                || !CompareSource.TryParse(parse.GetValue(b)!, out var sourceB, out error))
            {
                return ctx.Fail(ExitCodes.Usage, error);
            }
            var defaultWindow = DurationParser.TryParse(parse.GetValue(window), out var w, out _) ? w : TimeSpan.FromHours(24);
            var defaults = new FilterDefaults(parse.GetValue(location), parse.GetValue(channel), defaultWindow, DateTimeOffset.UtcNow);
            if (!sourceA.NeedsStore && !sourceB.NeedsStore)
            {
                var loaded = new List<Side>();
                foreach (var source in new[] { sourceA, sourceB })
                {
                    if (LoadFile(ctx, (FileSource)source) is not { } side)
                    {
                        return ExitCodes.Usage;
                    }
                    loaded.Add(side);
                }
                return Print(ctx, loaded[0], loaded[1], defaults, parse.GetValue(json));
            }
            string? storeSpec = parse.GetValue(store) ?? ctx.GetEnvironment("RTCBENCH_STORE");
            if (ResultServiceClient.TryParseUrl(storeSpec, out var serviceUrl) && serviceUrl is not null)
            {
                return await FromServiceAsync(ctx, serviceUrl, sourceA, sourceB, defaults, parse.GetValue(json), ct);
            }
            return await ResultsCommand.WithStoreAsync(ctx, parse.GetValue(store), StoreAccess.ReadExisting, async (s, where) =>
            {
                var sides = new List<Side>();
                foreach (var (tag, source) in new[] { ("a", sourceA), ("b", sourceB) })
                {
                    var (side, exit) = await LoadAsync(ctx, s, where, source, defaults, ct);
                    if (side is null)
                    {
                        return exit;
                    }
                    if (side.Runs.Count == 0)
                    {
                        return ctx.Fail(ExitCodes.NotFound, $"{tag}: no stored run matches '{source.Text}' in {where} ({side.Describe})");
                    }
                    sides.Add(side);
                }
                return Print(ctx, sides[0], sides[1], defaults, parse.GetValue(json));
            });
        });
        return command;
    }

    /// <summary>The --location, --channel and --window that filter sides fall back to, and "now" for windows.</summary>
    private sealed record FilterDefaults(string? Location, string? Channel, TimeSpan Window, DateTimeOffset Now);

    /// <summary>A side's pooled runs, its label in the answer and the time span it covers.</summary>
    private sealed record Side(string Label, IReadOnlyList<RunPings> Runs, DateTimeOffset Since, DateTimeOffset Until, string? Location, string? Channel, string Describe);

    private static Side? LoadFile(CliContext ctx, FileSource file)
    {
        IReadOnlyList<RunResult> runs;
        try
        {
            runs = CompareLoader.ReadFile(file.Path);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            ctx.Fail(ExitCodes.Usage, $"{file.Path}: not a result document (or array of them): {ex.Message}");
            return null;
        }
        if (runs.Count == 0)
        {
            ctx.Fail(ExitCodes.Usage, $"{file.Path}: holds no run");
            return null;
        }
        return FromRuns(Path.GetFileName(file.Path), runs, file.Path);
    }

    private static Side FromRuns(string label, IReadOnlyList<RunResult> runs, string describe) => new(
        label, runs.Select(CompareLoader.OkPings).ToList(), runs.Min(r => r.StartedAt), runs.Max(r => r.EndedAt),
        Common(runs.Select(r => r.Location)), Common(runs.Select(r => r.Channel)), describe);

    private static async Task<(Side? Side, int Exit)> LoadAsync(
        CliContext ctx, IResultStore store, StoreSpec where, CompareSource source, FilterDefaults defaults, CancellationToken ct)
    {
        switch (source)
        {
            case FileSource file:
                return LoadFile(ctx, file) is { } side ? (side, ExitCodes.Ok) : (null, ExitCodes.Usage);
            case RunSource run:
            {
                var (id, exit) = await RunIdArgument.ResolveAsync(ctx, store, run.RunIdPrefix, where, ct);
                if (id is null)
                {
                    return (null, exit);
                }
                var result = await store.GetRunAsync(id, includePings: true, ct);
                if (result is null)
                {
                    return (null, ctx.Fail(ExitCodes.NotFound, $"no run {id} in {where}"));
                }
                return (FromRuns($"run:{id[..8]}", [result], id), ExitCodes.Ok);
            }
            default:
            {
                var f = (FilterSource)source;
                var window = f.Window ?? defaults.Window;
                var filter = new AggregateFilter
                {
                    Platform = f.Platform,
                    Location = f.Location ?? defaults.Location,
                    Channel = f.Channel ?? defaults.Channel,
                    Since = defaults.Now - window,
                    Until = defaults.Now,
                };
                var runs = await store.QueryOkPingsAsync(filter, ct);
                // A bare platform is labelled as the service labels it; a filter by what was written.
                string label = f.Location is null && f.Channel is null && f.Window is null ? f.Platform! : f.Text;
                string describe = $"platform {f.Platform}, location {filter.Location ?? "any"}, channel {filter.Channel ?? "any"}, started in the last {DurationParser.Format(window)}";
                return (new Side(label, runs, filter.Since.Value, filter.Until.Value, filter.Location, filter.Channel, describe), ExitCodes.Ok);
            }
        }
    }

    /// <summary>Both sides read from a results service (<c>--store http(s)://…</c>) through its run API.</summary>
    private static async Task<int> FromServiceAsync(
        CliContext ctx, Uri url, CompareSource sourceA, CompareSource sourceB, FilterDefaults defaults, bool json, CancellationToken ct)
    {
        using var service = new ServiceRuns(url);
        var sides = new List<Side>();
        try
        {
            foreach (var (tag, source) in new[] { ("a", sourceA), ("b", sourceB) })
            {
                Side? side;
                switch (source)
                {
                    case FileSource file:
                        side = LoadFile(ctx, file);
                        if (side is null)
                        {
                            return ExitCodes.Usage;
                        }
                        break;
                    case RunSource run:
                        if (run.RunIdPrefix.Length != 32)
                        {
                            return ctx.Fail(ExitCodes.Usage, $"{tag}: '{run.Text}': a results service looks runs up by their full id (32 hex digits), not a prefix");
                        }
                        var result = await service.GetRunAsync(run.RunIdPrefix, ct);
                        if (result is null)
                        {
                            return ctx.Fail(ExitCodes.NotFound, $"{tag}: no run {run.RunIdPrefix} at {url}");
                        }
                        side = FromRuns($"run:{result.RunId[..8]}", [result], result.RunId);
                        break;
                    default:
                        var f = (FilterSource)source;
                        var window = f.Window ?? defaults.Window;
                        string? location = f.Location ?? defaults.Location, channel = f.Channel ?? defaults.Channel;
                        var since = defaults.Now - window;
                        var runs = new List<RunPings>();
                        foreach (string id in await service.ListIdsAsync(f.Platform, location, channel, since, defaults.Now, ct))
                        {
                            if (await service.GetRunAsync(id, ct) is { } r)
                            {
                                runs.Add(CompareLoader.OkPings(r));
                            }
                        }
                        // Oldest first, as the stores' query returns them (the pooled sample does not depend on it).
                        runs.Sort((x, y) => x.StartedAt != y.StartedAt ? x.StartedAt.CompareTo(y.StartedAt) : string.CompareOrdinal(x.RunId, y.RunId));
                        string label = f.Location is null && f.Channel is null && f.Window is null ? f.Platform! : f.Text;
                        side = new Side(label, runs, since, defaults.Now, location, channel,
                            $"platform {f.Platform}, location {location ?? "any"}, channel {channel ?? "any"}, started in the last {DurationParser.Format(window)}");
                        break;
                }
                if (side.Runs.Count == 0)
                {
                    return ctx.Fail(ExitCodes.NotFound, $"{tag}: no run at {url} matches '{source.Text}' ({side.Describe})");
                }
                sides.Add(side);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return ctx.Fail(ExitCodes.StoreFailed, $"cannot read runs from {url}: {ex.Message}");
        }
        return Print(ctx, sides[0], sides[1], defaults, json);
    }

    private static int Print(CliContext ctx, Side a, Side b, FilterDefaults defaults, bool json)
    {
        string labelA = a.Label, labelB = b.Label;
        if (labelA == labelB)
        {
            labelA += " (a)";
            labelB += " (b)";
        }
        var since = a.Since < b.Since ? a.Since : b.Since;
        var until = a.Until > b.Until ? a.Until : b.Until;
        string? location = a.Location == b.Location ? a.Location : defaults.Location;
        string? channel = a.Channel == b.Channel ? a.Channel : defaults.Channel;
        var response = Comparer.Compare(labelA, a.Runs, labelB, b.Runs, location, channel, since, until);
        if (json)
        {
            ctx.Out.WriteLine(JsonSerializer.Serialize(response, ResultJson.Indented));
        }
        else
        {
            CompareView.Write(ctx.Out, response);
        }
        return ExitCodes.Ok;
    }

    private static string? Common(IEnumerable<string?> values)
    {
        var distinct = values.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : null;
    }
}

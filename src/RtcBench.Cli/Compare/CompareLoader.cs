using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Cli.Compare;

/// <summary>Turns result documents into the ok-ping samples the service's comparer pools (as the stores' query does).</summary>
internal static class CompareLoader
{
    /// <summary>The ok pings of one run in seq order, as <c>IResultStore.QueryOkPingsAsync</c> returns them.</summary>
    public static RunPings OkPings(RunResult run)
    {
        var ok = run.Pings.Where(p => p.Status == "ok" && p.RttUs is not null).OrderBy(p => p.Seq).ToList();
        return new RunPings
        {
            RunId = run.RunId,
            Platform = run.Platform,
            Location = run.Location,
            Channel = run.Channel,
            StartedAt = run.StartedAt,
            Sent = run.Stats.Sent,
            Lost = run.Stats.Lost,
            ScheduledAtUnixUs = ok.Select(p => (p.ScheduledAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToArray(),
            RttUs = ok.Select(p => p.RttUs!.Value).ToArray(),
        };
    }

    /// <summary>The runs of a result file: one document, or an array of them (what --output writes). Throws JsonException.</summary>
    public static IReadOnlyList<RunResult> ReadFile(string path)
    {
        string text = File.ReadAllText(path);
        using var doc = JsonDocument.Parse(text);
        if (doc.RootElement.ValueKind == JsonValueKind.Array)
        {
            return doc.RootElement.EnumerateArray().Select(e => ResultJson.Deserialize(e.GetRawText())).ToList();
        }
        return [ResultJson.Deserialize(text)];
    }
}

using System.Net;
using RtcBench.Core.Results;
using RtcBench.Server.Http;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage;
using RtcBench.Storage.Sqlite;
using RtcBench.Storage.Tests;

namespace RtcBench.Server.Tests;

/// <summary>
/// serve with a ping retention (issue 18): at start-up the raw pings of runs older than the window go; the run, its
/// statistics and the aggregated figures stay, and the run's API answer says when its pings were pruned.
/// </summary>
public sealed class PingRetentionTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Serve_WithRetention_PrunesOldPingsAtStartAndSaysSoOnTheRun()
    {
        using var directory = new TempDirectory();
        await using var store = new SqliteResultStore(directory.File("results.db"));
        var now = ServerHarness.Now;
        var old = RunFactory.Create([10, 20, 30], lost: 1, startedAt: now.AddHours(-5));
        var recent = RunFactory.Create([11, 21], startedAt: now.AddHours(-2));
        await store.SaveRunAsync(old, Ct);
        await store.SaveRunAsync(recent, Ct);
        string aggregatedPath = "/api/results/aggregated?hours=24";
        string figuresBefore;
        await using (var plain = await ServerHarness.StartAsync(store))
        {
            figuresBefore = (await plain.GetJsonAsync(aggregatedPath)).GetProperty("groups").GetRawText();
        }

        await using var harness = await ServerHarness.StartAsync(store, configure: o => o.PingRetention = TimeSpan.FromHours(3));

        using var oldAnswer = await harness.Client.GetAsync($"/api/runs/{old.RunId}", Ct);
        using var recentAnswer = await harness.Client.GetAsync($"/api/runs/{recent.RunId}", Ct);
        Assert.Equal(HttpStatusCode.OK, oldAnswer.StatusCode);
        Assert.Equal(now.ToString("O"), Assert.Single(oldAnswer.Headers.GetValues(RunEndpoints.PingsPrunedHeader)));
        Assert.False(recentAnswer.Headers.Contains(RunEndpoints.PingsPrunedHeader));
        var oldDocument = ResultJson.Deserialize(await oldAnswer.Content.ReadAsStringAsync(Ct));
        Assert.Empty(oldDocument.Pings);
        Assert.Equal(old.Stats, oldDocument.Stats);
        Assert.Equal(old.Histogram, oldDocument.Histogram);
        Assert.Equal(recent.Pings.Count, ResultJson.Deserialize(await recentAnswer.Content.ReadAsStringAsync(Ct)).Pings.Count);
        var listed = (await harness.GetJsonAsync("/api/runs")).GetProperty("items").EnumerateArray()
            .ToDictionary(
                i => i.GetProperty("run_id").GetString()!,
                i => i.TryGetProperty("pings_pruned_at", out var at) ? at.GetDateTimeOffset() : (DateTimeOffset?)null);
        Assert.Equal(now, listed[old.RunId]);
        Assert.Null(listed[recent.RunId]);
        // The merged-histogram figures never needed the pings.
        Assert.Equal(figuresBefore, (await harness.GetJsonAsync(aggregatedPath)).GetProperty("groups").GetRawText());
        // The runner re-sending the same document (a retry from its spool) is still the same run: 200, not 409.
        using var retry = await harness.PostRunAsync(old);
        Assert.True(retry.StatusCode == HttpStatusCode.OK, await retry.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public void Options_RetentionUnderAnHour_Refused()
    {
        var options = new ServerOptions { PingRetention = TimeSpan.FromMinutes(59) };

        Assert.Contains(options.Validate(), p => p.StartsWith("PingRetention must be at least an hour", StringComparison.Ordinal));
    }
}

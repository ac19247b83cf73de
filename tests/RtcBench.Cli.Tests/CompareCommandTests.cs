using System.Net;
using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Server;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Cli.Tests;

/// <summary>
/// <c>rtcbench compare</c> on runs measured by the real CLI against a real agent, checked against the results
/// service's own answer (<c>GET /api/results/compare</c>) over the same store.
/// </summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private string DbPath => Path.Combine(_cli.TempDir, "results.db");

    /// <summary>One udp and one direct (lossy) run in the store; returns their documents.</summary>
    private async Task<(RunResult Udp, RunResult Direct)> MeasureTwoRunsAsync()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp,direct",
            "--channel", "lossy", "--count", "60", "--interval", "5ms", "--warmup", "5", "--store", _cli.StoreSpec,
            "--json", "--quiet", "--output", Path.Combine(_cli.TempDir, "both.json"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        return (runs.Single(r => r.Platform == "udp"), runs.Single(r => r.Platform == "direct"));
    }

    private static async Task<JsonElement> ApiCompareAsync(string dbPath, string query)
    {
        await using var store = new SqliteResultStore(dbPath);
        await using var server = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        string body = await http.GetStringAsync(new Uri(query, UriKind.Relative));
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every statistic of two compare answers, without the labels and the window (which says when it was asked).</summary>
    private static void AssertSameStatistics(JsonElement expected, JsonElement actual)
    {
        foreach (string side in new[] { "a", "b" })
        {
            foreach (string field in new[] { "runs", "count", "mean_us", "p50_us", "p95_us" })
            {
                Assert.Equal(expected.GetProperty(side).GetProperty(field).GetDouble(), actual.GetProperty(side).GetProperty(field).GetDouble());
            }
        }
        foreach (string diff in new[] { "median_difference_us", "median_relative_difference", "p95_difference_us" })
        {
            foreach (string field in new[] { "estimate", "ci95_low", "ci95_high" })
            {
                Assert.Equal(expected.GetProperty(diff).GetProperty(field).GetDouble(), actual.GetProperty(diff).GetProperty(field).GetDouble());
            }
        }
        foreach (string field in new[] { "u", "z", "p_value" })
        {
            Assert.Equal(expected.GetProperty("test").GetProperty(field).GetDouble(), actual.GetProperty("test").GetProperty(field).GetDouble());
        }
        Assert.Equal(expected.GetProperty("ci_method").GetString(), actual.GetProperty("ci_method").GetString());
        Assert.Equal(expected.GetProperty("alpha").GetDouble(), actual.GetProperty("alpha").GetDouble());
    }

    [Fact]
    public async Task Compare_TwoStoredPlatforms_EqualsTheServiceAnswer()
    {
        await MeasureTwoRunsAsync();

        var cli = await _cli.RunAsync("compare", "udp", "direct", "--store", _cli.StoreSpec, "--json");
        var api = await ApiCompareAsync(DbPath, "/api/results/compare?a=udp&b=direct");

        Assert.True(cli.ExitCode == 0, cli.Stderr);
        var mine = JsonDocument.Parse(cli.Stdout).RootElement;
        AssertSameStatistics(api, mine);
        Assert.Equal(api.GetProperty("winner").ToString(), mine.GetProperty("winner").ToString());
        Assert.Equal(api.GetProperty("reason").GetString(), mine.GetProperty("reason").GetString());
        Assert.Equal(60, mine.GetProperty("a").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Compare_ThroughTheServiceApi_EqualsTheServiceAnswer()
    {
        var (udp, direct) = await MeasureTwoRunsAsync();
        await using var store = new SqliteResultStore(DbPath);
        await using var server = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store);
        string url = server.BaseUrl.ToString().TrimEnd('/');
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var api = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/results/compare?a=udp&b=direct", UriKind.Relative))).RootElement;

        var byPlatform = await _cli.RunAsync("compare", "udp", "direct", "--store", url, "--json");
        var byId = await _cli.RunAsync("compare", udp.RunId, "platform=direct,window=1h", "--store", url, "--json");
        var prefix = await _cli.RunAsync("compare", udp.RunId[..8], "direct", "--store", url);

        Assert.True(byPlatform.ExitCode == 0, byPlatform.Stderr);
        var mine = JsonDocument.Parse(byPlatform.Stdout).RootElement;
        AssertSameStatistics(api, mine);
        Assert.Equal(api.GetProperty("winner").ToString(), mine.GetProperty("winner").ToString());
        Assert.True(byId.ExitCode == 0, byId.Stderr);
        AssertSameStatistics(api, JsonDocument.Parse(byId.Stdout).RootElement);
        Assert.Equal(ExitCodes.Usage, prefix.ExitCode);
        Assert.Contains("full id", prefix.Stderr, StringComparison.Ordinal);
        Assert.NotNull(direct);
    }

    [Fact]
    public async Task Compare_RunIdPrefixesAndResultFiles_SameStatisticsAsTheService()
    {
        var (udp, direct) = await MeasureTwoRunsAsync();
        string udpFile = Path.Combine(_cli.TempDir, "udp.json");
        await File.WriteAllTextAsync(udpFile, ResultJson.Serialize(udp));

        var byId = await _cli.RunAsync("compare", udp.RunId[..10], direct.RunId, "--store", _cli.StoreSpec, "--json");
        var byFile = await _cli.RunAsync("compare", udpFile, direct.RunId[..6], "--store", _cli.StoreSpec, "--json");
        var human = await _cli.RunAsync("compare", udp.RunId[..8], "platform=direct,channel=lossy", "--store", _cli.StoreSpec);
        var api = await ApiCompareAsync(DbPath, "/api/results/compare?a=udp&b=direct");

        Assert.True(byId.ExitCode == 0, byId.Stderr);
        Assert.True(byFile.ExitCode == 0, byFile.Stderr);
        var idAnswer = JsonDocument.Parse(byId.Stdout).RootElement;
        AssertSameStatistics(api, idAnswer);
        AssertSameStatistics(api, JsonDocument.Parse(byFile.Stdout).RootElement);
        Assert.Equal($"run:{udp.RunId[..8]}", idAnswer.GetProperty("a").GetProperty("platform").GetString());
        Assert.Equal("udp.json", JsonDocument.Parse(byFile.Stdout).RootElement.GetProperty("a").GetProperty("platform").GetString());

        Assert.True(human.ExitCode == 0, human.Stderr);
        string median = (api.GetProperty("median_difference_us").GetProperty("estimate").GetDouble() / 1000).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"median a - b   {median} ms", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("Mann-Whitney U = ", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("Winner: ", human.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_FilterMatchingNoRun_Exit8OneLine()
    {
        await MeasureTwoRunsAsync();

        var result = await _cli.RunAsync("compare", "udp", "platform=direct,location=mars", "--store", _cli.StoreSpec);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.StartsWith("rtcbench: error: b: no stored run matches 'platform=direct,location=mars'", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zz-top", "'zz-top' is not a result file (JSON), a platform, a filter")]
    [InlineData("platform=zoom", "'platform=zoom': 'zoom' is not a platform")]
    [InlineData("platform=udp,colour=red", "'colour' is not a filter key; use platform, location, channel or window")]
    [InlineData("channel=lossy", "a filter needs platform=NAME")]
    [InlineData("platform=udp,window=5", "window '5' is not a duration")]
    [InlineData("missing.json", "'missing.json': no such file")]
    public async Task Compare_BadSide_OneLineExit2(string side, string expected)
    {
        var result = await _cli.RunAsync("compare", "udp", side, "--store", _cli.StoreSpec);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}

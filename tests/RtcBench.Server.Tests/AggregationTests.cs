using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

/// <summary>
/// Aggregation across runs of different sizes, against hand-computed expectations (all RTTs in ms below).
/// <para>
/// R1 = 10, 20, …, 100 (10 ok, 2 lost); R2 = 240, 200, 230, 210, 220 in send order (5 ok); R3 = 15, 25, …, 65
/// (6 ok, 1 lost). Pooled (n = 21, sorted): 10 15 20 25 30 35 40 45 50 55 60 65 70 80 90 100 200 210 220 230 240.
/// Linear percentiles (h = 20q): p50 = x10 = 60, p90 = x18 = 220, p95 = x19 = 230, p99 = x19 + 0.8·(x20 − x19) = 238.
/// Mean = (550 + 1100 + 240)/21 = 90. Loss = 3/24 = 0.125. Jitter (mean |ΔRTT| within runs) =
/// (9·10 + (40 + 30 + 20 + 10) + 5·10)/(9 + 4 + 5) = 240/18.
/// Per-run p95s are 95.5, 238 and 62.5: their mean, 132, is what averaging percentiles would (wrongly) report.
/// The merged histogram answers the order statistic of rank ⌊q·20⌋ within 1%: p50 60, p90 220, p95 230, p99 230.
/// </para>
/// </summary>
public sealed class AggregationTests
{
    internal static readonly double[] R1 = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    internal static readonly double[] R2 = [240, 200, 230, 210, 220];
    internal static readonly double[] R3 = [15, 25, 35, 45, 55, 65];

    internal static RunResult[] ThreeRuns(DateTimeOffset start) =>
    [
        RunFactory.Create(R1, lost: 2, startedAt: start),
        RunFactory.Create(R2, startedAt: start.AddMinutes(10)),
        RunFactory.Create(R3, lost: 1, startedAt: start.AddMinutes(20)),
    ];

    private static async Task<ServerHarness> SeededAsync()
    {
        var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(ThreeRuns(RunFactory.BaseTime));
        // Another location and platform: separate groups.
        await harness.PostAllAsync(
            RunFactory.Create([5, 5, 5], location: "us-east-1"),
            RunFactory.Create([1, 2], platform: "janus"));
        return harness;
    }

    private static JsonElement Group(JsonElement response, string platform, string location) =>
        response.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("platform").GetString() == platform && g.GetProperty("location").GetString() == location);

    [Fact]
    public void PerRunP95s_Averaged_DifferFromPooledP95()
    {
        double[] perRun = ThreeRuns(RunFactory.BaseTime).Select(r => r.Stats.Rtt!.P95Us / 1000).ToArray();

        Assert.Equal([95.5, 238, 62.5], perRun, new ToleranceComparer(1e-9));
        Assert.Equal(132, perRun.Average(), 9);
    }

    [Fact]
    public async Task Aggregated_PooledPings_ReturnsHandComputedPooledFigures()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?hours=24&method=pooled-pings");

        Assert.Equal("pooled-pings", response.GetProperty("method").GetString());
        var g = Group(response, "udp", "eu-west-1");
        Assert.Equal(3, g.GetProperty("runs").GetInt32());
        Assert.Equal(21, g.GetProperty("count").GetInt64());
        Assert.Equal(24, g.GetProperty("sent").GetInt64());
        Assert.Equal(3, g.GetProperty("lost").GetInt64());
        Assert.Equal(0.125, g.GetProperty("loss").GetDouble(), 12);
        Assert.Equal(90_000, g.GetProperty("mean_us").GetDouble(), 6);
        Assert.Equal(60_000, g.GetProperty("p50_us").GetDouble(), 6);
        Assert.Equal(220_000, g.GetProperty("p90_us").GetDouble(), 6);
        Assert.Equal(230_000, g.GetProperty("p95_us").GetDouble(), 6);
        Assert.Equal(238_000, g.GetProperty("p99_us").GetDouble(), 6);
        Assert.Equal(240_000 / 18.0, g.GetProperty("jitter_us").GetDouble(), 6);
        Assert.NotEqual(132_000, g.GetProperty("p95_us").GetDouble(), 0);
    }

    [Fact]
    public async Task Aggregated_Default_MergesHistogramsWithinOnePercentAndSaysSo()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?hours=24");

        Assert.Equal("merged-histogram", response.GetProperty("method").GetString());
        Assert.Contains("never averaged", response.GetProperty("method_note").GetString(), StringComparison.Ordinal);
        var g = Group(response, "udp", "eu-west-1");
        Assert.Equal(21, g.GetProperty("count").GetInt64());
        Assert.Equal(0.125, g.GetProperty("loss").GetDouble(), 12);
        Assert.Equal(90_000, g.GetProperty("mean_us").GetDouble(), 6);
        Assert.Equal(240_000 / 18.0, g.GetProperty("jitter_us").GetDouble(), 6);
        AssertWithinOnePercent(60_000, g.GetProperty("p50_us").GetDouble());
        AssertWithinOnePercent(220_000, g.GetProperty("p90_us").GetDouble());
        AssertWithinOnePercent(230_000, g.GetProperty("p95_us").GetDouble());
        AssertWithinOnePercent(230_000, g.GetProperty("p99_us").GetDouble());
    }

    [Fact]
    public async Task Aggregated_SeveralPlatformsAndLocations_OneGroupEachOrdered()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated");

        Assert.Equal(
            ["janus/eu-west-1", "udp/eu-west-1", "udp/us-east-1"],
            response.GetProperty("groups").EnumerateArray()
                .Select(g => g.GetProperty("platform").GetString() + "/" + g.GetProperty("location").GetString()));
        var us = Group(response, "udp", "us-east-1");
        Assert.Equal(5_000, us.GetProperty("p95_us").GetDouble(), 6);
    }

    [Fact]
    public async Task Aggregated_Filters_OnlyMatchingRuns()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?platform=udp&location=us-east-1&channel=lossy");

        var only = Assert.Single(response.GetProperty("groups").EnumerateArray());
        Assert.Equal(3, only.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Aggregated_WindowExcludesOlderRuns()
    {
        await using var harness = await SeededAsync();
        await harness.PostAllAsync(RunFactory.Create([1000], startedAt: ServerHarness.Now.AddHours(-30)));

        var day = await harness.GetJsonAsync("/api/results/aggregated?platform=udp&location=eu-west-1&hours=24");
        var twoDays = await harness.GetJsonAsync("/api/results/aggregated?platform=udp&location=eu-west-1&hours=48");

        Assert.Equal(21, Group(day, "udp", "eu-west-1").GetProperty("count").GetInt64());
        Assert.Equal(22, Group(twoDays, "udp", "eu-west-1").GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("hours=0", "hours")]
    [InlineData("hours=abc", "hours")]
    [InlineData("bucket=5", "bucket")]
    [InlineData("bucket=10s", "bucket")]
    [InlineData("hours=8000&bucket=1m", "bucket")]
    [InlineData("method=average", "method")]
    public async Task Aggregated_BadParameter_400NamingIt(string query, string parameter)
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/results/aggregated?" + query, System.Net.HttpStatusCode.BadRequest);

        Assert.StartsWith(parameter + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    internal static void AssertWithinOnePercent(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 0.01 * expected, $"{actual} is not within 1% of {expected}");

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

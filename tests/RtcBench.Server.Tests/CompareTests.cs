using System.Text.Json;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

public sealed class CompareTests
{
    /// <summary>n RTTs (ms) around <paramref name="centreMs"/> with ±1 ms of seeded noise.</summary>
    private static double[] Noisy(int seed, int n, double centreMs)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Math.Round(centreMs + (random.NextDouble() * 2) - 1, 3)).ToArray();
    }

    [Fact]
    public async Task Compare_ClearlyDifferentPlatforms_WinnerIsTheFasterWithSignificance()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(
            RunFactory.Create(Noisy(1, 150, 10), platform: "udp"),
            RunFactory.Create(Noisy(2, 100, 10), platform: "udp", startedAt: RunFactory.BaseTime.AddHours(1)),
            RunFactory.Create(Noisy(3, 200, 12), platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=direct&b=udp&location=eu-west-1&hours=24");

        Assert.Equal("udp", r.GetProperty("winner").GetString());
        Assert.Equal(200, r.GetProperty("a").GetProperty("count").GetInt64());
        Assert.Equal(250, r.GetProperty("b").GetProperty("count").GetInt64());
        var median = r.GetProperty("median_difference_us");
        Assert.InRange(median.GetProperty("estimate").GetDouble(), 1_500, 2_500);
        Assert.True(median.GetProperty("ci95_low").GetDouble() > 0);
        Assert.True(median.GetProperty("ci95_low").GetDouble() <= median.GetProperty("estimate").GetDouble());
        Assert.True(median.GetProperty("ci95_high").GetDouble() >= median.GetProperty("estimate").GetDouble());
        Assert.True(r.GetProperty("p95_difference_us").GetProperty("ci95_low").GetDouble() > 0);
        Assert.True(r.GetProperty("test").GetProperty("p_value").GetDouble() < 1e-6);
        Assert.Equal("mann-whitney-u", r.GetProperty("test").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Compare_IdenticalSamples_NoWinnerWithReason()
    {
        await using var harness = await ServerHarness.StartAsync();
        double[] same = Noisy(7, 200, 10);
        await harness.PostAllAsync(RunFactory.Create(same, platform: "udp"), RunFactory.Create(same, platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=udp&b=direct");

        Assert.Equal(JsonValueKind.Null, r.GetProperty("winner").ValueKind);
        Assert.Contains("no significant difference", r.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1.0, r.GetProperty("test").GetProperty("p_value").GetDouble(), 6);
        Assert.Equal(0, r.GetProperty("median_difference_us").GetProperty("estimate").GetDouble());
        Assert.True(r.GetProperty("median_difference_us").GetProperty("ci95_low").GetDouble() <= 0);
        Assert.True(r.GetProperty("median_difference_us").GetProperty("ci95_high").GetDouble() >= 0);
    }

    [Fact]
    public async Task Compare_TooFewPings_NoWinnerNoTest()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(RunFactory.Create([1, 2, 3], platform: "udp"), RunFactory.Create(Noisy(1, 50, 5), platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=udp&b=direct");

        Assert.Equal(JsonValueKind.Null, r.GetProperty("winner").ValueKind);
        Assert.Contains("too few ok pings", r.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(r.TryGetProperty("test", out _));
    }

    [Fact]
    public async Task Compare_MissingPlatform_400()
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/results/compare?a=udp", System.Net.HttpStatusCode.BadRequest);

        Assert.StartsWith("b:", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

using System.Text.Json;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

/// <summary>
/// <c>median_relative_difference</c> of /api/results/compare: (a's median − b's median) / the slower median, with a
/// bootstrap CI from the same replicates as the median difference — the "x % faster" figure the dashboard shows.
/// </summary>
public sealed class CompareRelativeDifferenceTests
{
    /// <summary>n RTTs (ms) spread evenly over centre ± 1 ms, shuffled with a seed (send order must not matter).</summary>
    private static double[] Spread(int seed, int n, double centreMs)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => Math.Round(centreMs - 1 + (2.0 * i / (n - 1)), 4)).OrderBy(_ => random.Next()).ToArray();
    }

    [Fact]
    public async Task Compare_SlowerA_RelativeDifferenceIsTheMedianGapOverTheSlowerMedian()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(
            RunFactory.Create(Spread(1, 201, 10), platform: "udp"),
            RunFactory.Create(Spread(2, 201, 12.5), platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=direct&b=udp");

        // Medians 12.5 and 10 ms exactly (odd, evenly spread samples): direct is 20 % slower, udp 20 % faster.
        Assert.Equal(12_500, r.GetProperty("a").GetProperty("p50_us").GetDouble(), 6);
        Assert.Equal(10_000, r.GetProperty("b").GetProperty("p50_us").GetDouble(), 6);
        var relative = r.GetProperty("median_relative_difference");
        Assert.Equal(0.2, relative.GetProperty("estimate").GetDouble(), 9);
        Assert.Equal(
            r.GetProperty("median_difference_us").GetProperty("estimate").GetDouble() / 12_500,
            relative.GetProperty("estimate").GetDouble(), 12);
        double low = relative.GetProperty("ci95_low").GetDouble();
        double high = relative.GetProperty("ci95_high").GetDouble();
        Assert.InRange(low, 0.15, 0.2);    // the CI excludes 0, as the median difference's does, and brackets the estimate
        Assert.InRange(high, 0.2, 0.25);
        Assert.True(low < high, $"a bootstrap over spread samples gives an interval, got [{low}, {high}]");
        Assert.Equal("udp", r.GetProperty("winner").GetString());
    }

    [Fact]
    public async Task Compare_FasterA_RelativeDifferenceNegative()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(
            RunFactory.Create(Spread(1, 201, 10), platform: "udp"),
            RunFactory.Create(Spread(2, 201, 12.5), platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=udp&b=direct");

        var relative = r.GetProperty("median_relative_difference");
        Assert.Equal(-0.2, relative.GetProperty("estimate").GetDouble(), 9);   // still relative to the slower one, direct
        Assert.InRange(relative.GetProperty("ci95_low").GetDouble(), -0.25, -0.2);
        Assert.InRange(relative.GetProperty("ci95_high").GetDouble(), -0.2, -0.15);
    }

    [Fact]
    public async Task Compare_IdenticalSamples_RelativeDifferenceZeroWithACiAcrossZero()
    {
        await using var harness = await ServerHarness.StartAsync();
        double[] same = Spread(3, 101, 10);
        await harness.PostAllAsync(RunFactory.Create(same, platform: "udp"), RunFactory.Create(same, platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=udp&b=direct");

        var relative = r.GetProperty("median_relative_difference");
        Assert.Equal(0, relative.GetProperty("estimate").GetDouble());
        Assert.True(relative.GetProperty("ci95_low").GetDouble() < 0);
        Assert.True(relative.GetProperty("ci95_high").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("winner").ValueKind);
    }

    [Fact]
    public async Task Compare_TooFewPings_NoRelativeDifference()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(RunFactory.Create([1, 2, 3], platform: "udp"), RunFactory.Create(Spread(4, 50, 5), platform: "direct"));

        var r = await harness.GetJsonAsync("/api/results/compare?a=udp&b=direct");

        Assert.False(r.TryGetProperty("median_relative_difference", out _));
    }
}

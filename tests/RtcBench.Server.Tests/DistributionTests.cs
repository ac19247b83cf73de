using System.Net;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

public sealed class DistributionTests
{
    [Fact]
    public async Task Distribution_Seeded_MergedHistogramPerGroupCountingEveryOkPing()
    {
        await using var harness = await ServerHarness.StartAsync();
        var t = RunFactory.BaseTime;
        await harness.PostAllAsync(
            RunFactory.Create([10, 20], lost: 1, startedAt: t),
            RunFactory.Create([20, 40], startedAt: t.AddHours(1)),
            RunFactory.Create([5], startedAt: t.AddHours(2), location: "us-east-1"));

        var response = await harness.GetJsonAsync("/api/results/distribution?platform=udp");

        var groups = response.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(["eu-west-1", "us-east-1"], groups.Select(g => g.GetProperty("location").GetString()));
        var eu = groups[0];
        Assert.Equal(2, eu.GetProperty("runs").GetInt32());
        Assert.Equal(4, eu.GetProperty("count").GetInt64());
        var buckets = eu.GetProperty("buckets").EnumerateArray()
            .Select(b => (Low: b.GetProperty("low_us").GetDouble(), High: b.GetProperty("high_us").GetDouble(), Count: b.GetProperty("count").GetInt64()))
            .ToArray();
        Assert.Equal([1, 2, 1], buckets.Select(b => b.Count));  // 10 ms, 20 ms twice, 40 ms
        Assert.All(buckets.Zip(new[] { 10_000.0, 20_000, 40_000 }), p =>
            Assert.True(p.First.Low < p.Second && p.Second <= p.First.High && p.First.High <= p.Second * 1.02, $"{p.Second} in ({p.First.Low}, {p.First.High}]"));
        Assert.Equal(10_000, eu.GetProperty("min_us").GetDouble());
        Assert.Equal(40_000, eu.GetProperty("max_us").GetDouble());
    }

    [Fact]
    public async Task Distribution_OutsideWindow_NoGroups()
    {
        await using var harness = await ServerHarness.StartAsync();
        await harness.PostAllAsync(RunFactory.Create([10], startedAt: RunFactory.BaseTime));

        var response = await harness.GetJsonAsync("/api/results/distribution?hours=1");

        Assert.Equal(0, response.GetProperty("groups").GetArrayLength());
    }

    [Fact]
    public async Task Distribution_BadHours_400NamingIt()
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/results/distribution?hours=0", HttpStatusCode.BadRequest);

        Assert.StartsWith("hours:", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

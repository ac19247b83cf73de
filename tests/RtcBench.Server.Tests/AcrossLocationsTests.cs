using System.Net;
using System.Text.Json;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

/// <summary>
/// <c>across_locations=true</c> on the aggregate reads: the runs of every location pooled per platform × channel,
/// merged as any group is, never averaged. The runs are <see cref="AggregationTests"/>' three, each from another
/// place — R1 at eu-west-1, R2 at us-east-1, R3 without a location — so the pooled figures are the hand-computed
/// ones of that class (p50 60 ms, p95 230 ms, …), while the mean of the three locations' p50s (55, 220, 40) would
/// be 105 ms. A janus run at eu-west-1 stays its own group.
/// </summary>
public sealed class AcrossLocationsTests
{
    private static async Task<ServerHarness> SeededAsync()
    {
        var harness = await ServerHarness.StartAsync();
        var t = RunFactory.BaseTime;
        await harness.PostAllAsync(
            RunFactory.Create(AggregationTests.R1, lost: 2, startedAt: t, location: "eu-west-1"),
            RunFactory.Create(AggregationTests.R2, startedAt: t.AddMinutes(10), location: "us-east-1"),
            RunFactory.Create(AggregationTests.R3, lost: 1, startedAt: t.AddHours(1), location: null),
            RunFactory.Create([1, 2], platform: "janus", location: "eu-west-1"));
        return harness;
    }

    private static JsonElement Group(JsonElement response, string platform, string member = "groups") =>
        response.GetProperty(member).EnumerateArray().Single(g => g.GetProperty("platform").GetString() == platform);

    /// <summary>The group's locations list as "a,b,null".</summary>
    private static string Locations(JsonElement group) =>
        string.Join(",", group.GetProperty("locations").EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Null ? "null" : l.GetString()));

    [Fact]
    public async Task Aggregated_AcrossLocations_OneMergedGroupPerPlatformAndChannel()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?across_locations=true");

        Assert.True(response.GetProperty("across_locations").GetBoolean());
        Assert.Equal(["janus", "udp"], response.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("platform").GetString()));
        var udp = Group(response, "udp");
        Assert.False(udp.TryGetProperty("location", out _));
        Assert.Equal("eu-west-1,us-east-1,null", Locations(udp));
        Assert.Equal("eu-west-1", Locations(Group(response, "janus")));
        Assert.Equal(3, udp.GetProperty("runs").GetInt32());
        Assert.Equal(21, udp.GetProperty("count").GetInt64());
        Assert.Equal(0.125, udp.GetProperty("loss").GetDouble(), 12);
        Assert.Equal(90_000, udp.GetProperty("mean_us").GetDouble(), 6);
        Assert.Equal(240_000 / 18.0, udp.GetProperty("jitter_us").GetDouble(), 6);
        AssertWithinOnePercent(60_000, udp.GetProperty("p50_us").GetDouble());   // not 105 ms, the mean of the places' p50s
        AssertWithinOnePercent(220_000, udp.GetProperty("p90_us").GetDouble());
        AssertWithinOnePercent(230_000, udp.GetProperty("p95_us").GetDouble());
    }

    [Fact]
    public async Task Aggregated_AcrossLocationsPooledPings_ExactPooledPercentiles()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?across_locations=true&method=pooled-pings");

        var udp = Group(response, "udp");
        Assert.Equal("eu-west-1,us-east-1,null", Locations(udp));
        Assert.Equal(60_000, udp.GetProperty("p50_us").GetDouble(), 6);
        Assert.Equal(230_000, udp.GetProperty("p95_us").GetDouble(), 6);
        Assert.Equal(238_000, udp.GetProperty("p99_us").GetDouble(), 6);
    }

    [Fact]
    public async Task Aggregated_AcrossLocationsWithBuckets_PoolsWithinEachBucket()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?platform=udp&across_locations=true&bucket=1h");

        var buckets = response.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(2, buckets.Length);
        Assert.Equal("eu-west-1,us-east-1", Locations(buckets[0]));   // 10:00: R1 and R2
        Assert.Equal(15, buckets[0].GetProperty("count").GetInt64());
        Assert.Equal("null", Locations(buckets[1]));                  // 11:00: R3
    }

    [Theory]
    [InlineData("")]
    [InlineData("&across_locations=false")]
    public async Task Aggregated_NotAcrossLocations_OneGroupPerLocationWithoutALocationsList(string query)
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?platform=udp" + query);

        Assert.False(response.GetProperty("across_locations").GetBoolean());
        var groups = response.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(3, groups.Length);
        Assert.All(groups, g => Assert.False(g.TryGetProperty("locations", out _)));
    }

    [Fact]
    public async Task Aggregated_AcrossLocationsAndALocation_PoolsOnlyThatOne()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/aggregated?platform=udp&location=us-east-1&across_locations=true");

        var only = Assert.Single(response.GetProperty("groups").EnumerateArray());
        Assert.Equal("us-east-1", Locations(only));
        Assert.Equal(5, only.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Timeseries_AcrossLocations_OneSeriesPerPlatformAndChannelEqualToTheAggregatedBuckets()
    {
        await using var harness = await SeededAsync();

        var series = await harness.GetJsonAsync("/api/results/timeseries?metric=p50&bucket=1h&across_locations=true");
        var aggregated = await harness.GetJsonAsync("/api/results/aggregated?platform=udp&bucket=1h&across_locations=true");

        Assert.True(series.GetProperty("across_locations").GetBoolean());
        var udp = Group(series, "udp", "series");
        Assert.False(udp.TryGetProperty("location", out _));
        Assert.Equal("eu-west-1,us-east-1,null", Locations(udp));
        Assert.Equal(
            aggregated.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("p50_us").GetDouble()),
            udp.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task Distribution_AcrossLocations_OneMergedHistogramPerPlatformAndChannel()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/distribution?across_locations=true");

        Assert.True(response.GetProperty("across_locations").GetBoolean());
        var udp = Group(response, "udp");
        Assert.Equal("eu-west-1,us-east-1,null", Locations(udp));
        Assert.Equal(3, udp.GetProperty("runs").GetInt32());
        Assert.Equal(21, udp.GetProperty("count").GetInt64());
        Assert.Equal(21, udp.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64()));
    }

    [Theory]
    [InlineData("/api/results/aggregated?across_locations=yes")]
    [InlineData("/api/results/timeseries?metric=p50&across_locations=1")]
    [InlineData("/api/results/distribution?across_locations=TRUE")]
    public async Task AcrossLocations_NotTrueOrFalse_400NamingIt(string path)
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync(path, HttpStatusCode.BadRequest);

        Assert.StartsWith("across_locations: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("true or false", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static void AssertWithinOnePercent(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= expected * 0.01, $"expected {expected} within 1%, got {actual}");
}

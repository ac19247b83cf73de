using System.Net;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

/// <summary>
/// Hourly series over two buckets (RTTs in ms). Hour 10:00 holds R1 and R3 (n = 16, sorted 10 15 20 25 30 35 40 45
/// 50 55 60 65 70 80 90 100; 19 sent, 3 lost); hour 11:00 holds R2 (240 200 230 210 220; 5 sent, none lost).
/// Linear (h = 15q / 4q): 10:00 p50 = 45 + 0.5·5 = 47.5, p95 = x14 + 0.25·10 = 92.5, p99 = x14 + 0.85·10 = 98.5,
/// mean = 790/16 = 49.375, jitter = (90 + 50)/14 = 10, loss = 3/19; 11:00 p50 = 220, p95 = 230 + 0.8·10 = 238,
/// p99 = 230 + 0.96·10 = 239.6, mean = 220, jitter = 100/4 = 25, loss = 0.
/// </summary>
public sealed class TimeseriesTests
{
    private static async Task<ServerHarness> SeededAsync()
    {
        var harness = await ServerHarness.StartAsync();
        var t = RunFactory.BaseTime;
        await harness.PostAllAsync(
            RunFactory.Create(AggregationTests.R1, lost: 2, startedAt: t.AddMinutes(5)),
            RunFactory.Create(AggregationTests.R3, lost: 1, startedAt: t.AddMinutes(50)),
            RunFactory.Create(AggregationTests.R2, startedAt: t.AddMinutes(65)));
        return harness;
    }

    [Theory]
    [InlineData("mean", "us", 49_375.0, 220_000.0)]
    [InlineData("p50", "us", 47_500.0, 220_000.0)]
    [InlineData("p95", "us", 92_500.0, 238_000.0)]
    [InlineData("p99", "us", 98_500.0, 239_600.0)]
    [InlineData("jitter", "us", 10_000.0, 25_000.0)]
    [InlineData("loss", "ratio", 3 / 19.0, 0.0)]
    public async Task Timeseries_EachMetric_HandComputedValuePerBucket(string metric, string unit, double first, double second)
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync($"/api/results/timeseries?metric={metric}&bucket=1h&method=pooled-pings");

        Assert.Equal(metric, response.GetProperty("metric").GetString());
        Assert.Equal(unit, response.GetProperty("unit").GetString());
        Assert.Equal("pooled-pings", response.GetProperty("method").GetString());
        Assert.Equal(3600, response.GetProperty("bucket_seconds").GetInt64());
        var series = Assert.Single(response.GetProperty("series").EnumerateArray());
        var points = series.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(2, points.Length);
        Assert.Equal(RunFactory.BaseTime, points[0].GetProperty("t").GetDateTimeOffset());
        Assert.Equal(RunFactory.BaseTime.AddHours(1), points[1].GetProperty("t").GetDateTimeOffset());
        Assert.Equal(first, points[0].GetProperty("value").GetDouble(), 6);
        Assert.Equal(second, points[1].GetProperty("value").GetDouble(), 6);
    }

    [Theory]
    [InlineData("mean", 49_375.0, 220_000.0)]
    [InlineData("p50", 45_000.0, 220_000.0)]
    [InlineData("p95", 90_000.0, 230_000.0)]
    [InlineData("p99", 90_000.0, 230_000.0)]
    [InlineData("jitter", 10_000.0, 25_000.0)]
    [InlineData("loss", 3 / 19.0, 0.0)]
    public async Task Timeseries_MergedHistogram_EachMetricExactOrWithinOnePercentOfRankValue(string metric, double first, double second)
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync($"/api/results/timeseries?metric={metric}");

        Assert.Equal("merged-histogram", response.GetProperty("method").GetString());
        var points = response.GetProperty("series")[0].GetProperty("points").EnumerateArray().ToArray();
        AggregationTests.AssertWithinOnePercent(first, points[0].GetProperty("value").GetDouble());
        if (second == 0)
        {
            Assert.Equal(0, points[1].GetProperty("value").GetDouble());
        }
        else
        {
            AggregationTests.AssertWithinOnePercent(second, points[1].GetProperty("value").GetDouble());
        }
    }

    [Theory]
    [InlineData("metric=median")]
    [InlineData("")]
    public async Task Timeseries_UnknownOrMissingMetric_400ListingValidMetrics(string query)
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/results/timeseries?" + query, HttpStatusCode.BadRequest);

        Assert.Contains("mean, p50, p95, p99, jitter, loss", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text.Json;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

public sealed class ReadEndpointTests
{
    private static async Task<ServerHarness> SeededAsync()
    {
        var harness = await ServerHarness.StartAsync();
        var t = RunFactory.BaseTime;
        await harness.PostAllAsync(
            RunFactory.Create([1, 2], startedAt: t),
            RunFactory.Create([3, 4], startedAt: t.AddHours(1)),
            RunFactory.Create([5], startedAt: t.AddHours(2), location: "us-east-1"),
            RunFactory.Create([6], startedAt: t.AddHours(3), platform: "janus", channel: "reliable"));
        return harness;
    }

    [Fact]
    public async Task ListRuns_Paged_NewestFirstWithTotal()
    {
        await using var harness = await SeededAsync();

        var first = await harness.GetJsonAsync("/api/runs?limit=3");
        var second = await harness.GetJsonAsync("/api/runs?limit=3&offset=3");

        Assert.Equal(4, first.GetProperty("total").GetInt64());
        Assert.Equal(3, first.GetProperty("items").GetArrayLength());
        Assert.Equal("janus", first.GetProperty("items")[0].GetProperty("platform").GetString());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(RunFactory.BaseTime, second.GetProperty("items")[0].GetProperty("started_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task ListRuns_Filters_MatchExactly()
    {
        await using var harness = await SeededAsync();

        var udpEu = await harness.GetJsonAsync("/api/runs?platform=udp&location=eu-west-1");
        var since = await harness.GetJsonAsync("/api/runs?since=2026-11-21T11:00:00Z&until=2026-11-21T13:00:00Z");

        Assert.Equal(2, udpEu.GetProperty("total").GetInt64());
        Assert.Equal(2, since.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("since=yesterday", "since")]
    public async Task ListRuns_BadParameter_400NamingIt(string query, string parameter)
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/runs?" + query, HttpStatusCode.BadRequest);

        Assert.StartsWith(parameter + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Locations_Seeded_OnePerLocationAndPlatform()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/locations");

        Assert.Equal(
            ["eu-west-1/janus/1", "eu-west-1/udp/2", "us-east-1/udp/1"],
            response.GetProperty("locations").EnumerateArray().Select(l =>
                $"{l.GetProperty("location").GetString()}/{l.GetProperty("platform").GetString()}/{l.GetProperty("runs").GetInt64()}"));
    }

    [Fact]
    public async Task Latest_Seeded_NewestRunPerPlatformAndLocation()
    {
        await using var harness = await SeededAsync();

        var response = await harness.GetJsonAsync("/api/results/latest");

        var runs = response.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(3, runs.Length);
        var udpEu = runs.Single(r => r.GetProperty("platform").GetString() == "udp" && r.GetProperty("location").GetString() == "eu-west-1");
        Assert.Equal(RunFactory.BaseTime.AddHours(1), udpEu.GetProperty("started_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Health_StoreReachable_200Ok()
    {
        await using var harness = await ServerHarness.StartAsync();

        var health = await harness.GetJsonAsync("/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("sqlite", health.GetProperty("store").GetString());
    }

    [Fact]
    public async Task UnknownRoute_404ProblemDetails()
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/nothing", HttpStatusCode.NotFound);

        Assert.Contains("/openapi.json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Document_CoversEveryRouteAndMethod()
    {
        await using var harness = await ServerHarness.StartAsync();

        var document = await harness.GetJsonAsync("/openapi.json");

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var served = harness.Server.Routes.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(served, documented);
        Assert.Equal(11, served.Length);
    }
}

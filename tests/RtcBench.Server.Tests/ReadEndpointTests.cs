using System.Net;
using System.Text.Json;
using RtcBench.Core.Results;
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

    [Fact]
    public async Task ListRuns_OutcomeAndRange_MatchTogetherWithTheOtherFilters()
    {
        await using var harness = await SeededAsync();
        var t = RunFactory.BaseTime;
        await harness.PostAllAsync(
            RunFactory.Create([7], startedAt: t.AddHours(1).AddMinutes(30)) with { Outcome = RunOutcome.Partial("interrupted") },
            RunFactory.Create([], startedAt: t.AddHours(2).AddMinutes(30)) with { Outcome = RunOutcome.Failed("agent went away") });

        var partial = await harness.GetJsonAsync("/api/runs?outcome=partial");
        var okInRange = await harness.GetJsonAsync("/api/runs?outcome=ok&platform=udp&since=2026-11-21T11:00:00Z&until=2026-11-21T12:00:00Z");
        var failedBeforeIt = await harness.GetJsonAsync("/api/runs?outcome=failed&until=2026-11-21T12:30:00Z");
        var inTokyo = await harness.GetJsonAsync("/api/runs?outcome=failed&since=2026-11-21T21:30:00%2B09:00");

        Assert.Equal(1, partial.GetProperty("total").GetInt64());
        Assert.Equal("partial", partial.GetProperty("items")[0].GetProperty("outcome_status").GetString());
        Assert.Equal(1, okInRange.GetProperty("total").GetInt64());   // 11:00 is in [11:00, 12:00); 11:30 is partial
        Assert.Equal(t.AddHours(1), okInRange.GetProperty("items")[0].GetProperty("started_at").GetDateTimeOffset());
        Assert.Equal(0, failedBeforeIt.GetProperty("total").GetInt64());   // until is exclusive: 12:30 is not before 12:30
        Assert.Equal(1, inTokyo.GetProperty("total").GetInt64());          // 21:30+09:00 is 12:30Z, inclusive
    }

    [Theory]
    [InlineData("outcome=aborted", "outcome: unknown outcome 'aborted'; valid: ok, partial, failed")]
    [InlineData("outcome=OK", "outcome: unknown outcome 'OK'; valid: ok, partial, failed")]
    [InlineData("until=tomorrow", "until: 'tomorrow' is not an ISO 8601 time")]
    [InlineData("since=2026-11-21T12:00:00Z&until=2026-11-21T12:00:00Z", "until: 2026-11-21T12:00:00.0000000+00:00 is not after since")]
    [InlineData("since=2026-11-21T13:00:00Z&until=2026-11-21T12:00:00Z", "until: 2026-11-21T12:00:00.0000000+00:00 is not after since")]
    public async Task ListRuns_BadOutcomeOrRange_400ProblemDetailsSayingWhy(string query, string detail)
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.GetAsync("/api/runs?" + query, harness.Ct);
        var problem = await ServerHarness.ReadJsonAsync(response, harness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.StartsWith(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
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
        Assert.Equal(12, served.Length);
    }
}

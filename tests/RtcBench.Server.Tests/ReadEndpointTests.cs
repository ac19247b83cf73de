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

    [Theory]
    [InlineData("/api/results/locations?hours=-3", "hours: GET /api/results/locations takes no query parameters")]
    [InlineData("/api/results/latest?limit=-1", "limit: not a parameter of GET /api/results/latest; it takes channel")]
    [InlineData("/api/results/latest?channel=sideways", "channel: unknown channel 'sideways'; valid: reliable, lossy")]
    [InlineData("/api/runs?limt=5", "limt: not a parameter of GET /api/runs; it takes platform, location, channel, outcome, since, until, limit, offset")]
    [InlineData("/api/runs?limit=5&limit=6", "limit: given 2 times; give it once")]
    [InlineData("/api/runs?platform=teams", "platform: unknown platform 'teams'; known: udp, direct, janus, livekit, daily")]
    [InlineData("/api/runs?channel=both", "channel: unknown channel 'both'")]
    [InlineData("/api/runs/0123456789abcdef0123456789abcdef?pings=0", "pings: GET /api/runs/{id} takes no query parameters")]
    [InlineData("/api/results/aggregated?platform=teams", "platform: unknown platform 'teams'")]
    [InlineData("/api/results/aggregated?hours=-3", "hours: '-3' is not a whole number of hours from 1 to 8784")]
    [InlineData("/api/results/timeseries?metric=p50&channel=x", "channel: unknown channel 'x'")]
    [InlineData("/api/results/timeseries?metric=p50&limit=3", "limit: not a parameter of GET /api/results/timeseries")]
    [InlineData("/api/results/distribution?bucket=1h", "bucket: not a parameter of GET /api/results/distribution; it takes platform, location, channel, hours")]
    [InlineData("/api/results/distribution?location=%00x", "location: not a location id")]
    [InlineData("/api/results/compare?a=udp&b=udp", "b: the same platform as a (udp)")]
    [InlineData("/api/results/compare?a=teams&b=udp", "a: unknown platform 'teams'")]
    [InlineData("/api/results/compare?a=udp&b=direct&hours=0", "hours: '0' is not a whole number")]
    [InlineData("/health?verbose=1", "verbose: GET /health takes no query parameters")]
    [InlineData("/api/events?since=1", "since: GET /api/events takes no query parameters")]
    [InlineData("/openapi.json?v=2", "v: GET /openapi.json takes no query parameters")]
    public async Task ReadEndpoint_BadQueryParameter_400NamingIt(string path, string detail)
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync(path, HttpStatusCode.BadRequest);

        Assert.StartsWith(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_QueryParameter_400()
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.PostAsync("/api/runs?dry_run=1",
            new StringContent(ResultJson.Serialize(RunFactory.Create([1])), System.Text.Encoding.UTF8, "application/json"), harness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await harness.Store.ListRunsAsync(new Storage.RunQuery(), harness.Ct)).Total);
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
        Assert.Equal(14, served.Length);
    }
}

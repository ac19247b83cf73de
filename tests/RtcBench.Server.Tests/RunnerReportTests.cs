using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage.Delivery;
using RtcBench.Tests.Shared;

namespace RtcBench.Server.Tests;

/// <summary>
/// <c>POST /api/runners/heartbeat</c>: runners report their spool; <c>/metrics</c> shows one series per runner, bounded
/// in number and forgotten after the expiry; bad reports are a 400 naming the field.
/// </summary>
public sealed class RunnerReportTests
{
    private const string Token = "runner-report-token-0123456789";

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static Task<HttpResponseMessage> ReportAsync(ServerHarness harness, string json) =>
        harness.Client.PostAsync("/api/runners/heartbeat", new StringContent(json, Encoding.UTF8, "application/json"), harness.Ct);

    private static async Task<PrometheusText> ScrapeAsync(ServerHarness harness)
    {
        using var response = await harness.Client.GetAsync("/metrics", harness.Ct);
        string body = await response.Content.ReadAsStringAsync(harness.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics: {(int)response.StatusCode} {body}");
        return new PrometheusText(body);
    }

    [Fact]
    public async Task Report_ThenScrape_ShowsEachRunnersSpoolAndTheOldestAgeGrowsUntilTheNextReport()
    {
        var time = new ManualTime(ServerHarness.Now);
        await using var harness = await ServerHarness.StartAsync(token: Token, time: time);
        using var client = new ResultServiceClient(harness.Server.BaseUrl, Token);

        var eu = await client.ReportAsync(new RunnerReport("bench-eu-1", "eu-west-1", new SpoolState(3, 120.5, 4096, 1)), harness.Ct);
        var bare = await client.ReportAsync(new RunnerReport("laptop", null, SpoolState.Empty), harness.Ct);
        Assert.Equal(DeliveryStatus.Delivered, eu.Status);
        Assert.Equal(DeliveryStatus.Delivered, bare.Status);
        time.Now += TimeSpan.FromSeconds(60);

        var metrics = await ScrapeAsync(harness);
        const string euLabels = "runner=\"bench-eu-1\",location=\"eu-west-1\"";
        Assert.Equal(3, metrics.Value("rtcbench_runner_spool_pending", euLabels));
        Assert.Equal(180.5, metrics.Value("rtcbench_runner_spool_oldest_age_seconds", euLabels), 6);
        Assert.Equal(4096, metrics.Value("rtcbench_runner_spool_bytes", euLabels));
        Assert.Equal(1, metrics.Value("rtcbench_runner_spool_rejected", euLabels));
        Assert.Equal(ServerHarness.Now.ToUnixTimeMilliseconds() / 1e3, metrics.Value("rtcbench_runner_last_seen_timestamp_seconds", euLabels), 3);
        const string bareLabels = "runner=\"laptop\",location=\"none\"";
        Assert.Equal(0, metrics.Value("rtcbench_runner_spool_pending", bareLabels));
        Assert.Equal(0, metrics.Value("rtcbench_runner_spool_oldest_age_seconds", bareLabels));
        Assert.Equal(2, metrics.Value("rtcbench_runners_tracked"));

        // The runner delivered its spool and moved: the new report replaces the old series.
        Assert.Equal(DeliveryStatus.Delivered, (await client.ReportAsync(new RunnerReport("bench-eu-1", "eu-west-2", SpoolState.Empty), harness.Ct)).Status);
        metrics = await ScrapeAsync(harness);
        Assert.Equal(0, metrics.Value("rtcbench_runner_spool_pending", "runner=\"bench-eu-1\",location=\"eu-west-2\""));
        Assert.DoesNotContain(euLabels, metrics.Text, StringComparison.Ordinal);
        // Reports are not runs: nothing was ingested.
        Assert.Equal(0, metrics.Value("rtcbench_runs_ingested_total"));
    }

    [Fact]
    public async Task Report_BeyondTheLimit_NewRunnerIs429UntilAnExpiryForgetsOne()
    {
        var time = new ManualTime(ServerHarness.Now);
        await using var harness = await ServerHarness.StartAsync(time: time, configure: o =>
        {
            o.MaxRunners = 2;
            o.RunnerExpiry = TimeSpan.FromMinutes(10);
        });
        string Report(string id, int pending) =>
            $$$"""{"runner_id":"{{{id}}}","spool":{"pending":{{{pending}}},"oldest_age_seconds":{{{(pending > 0 ? 5 : 0)}}}}}""";
        using (var a = await ReportAsync(harness, Report("a", 1)))
        using (var b = await ReportAsync(harness, Report("b", 0)))
        {
            Assert.Equal(HttpStatusCode.NoContent, a.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, b.StatusCode);
        }
        using (var c = await ReportAsync(harness, Report("c", 0)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, c.StatusCode);
            string detail = (await c.Content.ReadFromJsonAsync<JsonElement>(harness.Ct)).GetProperty("detail").GetString()!;
            Assert.StartsWith("runner_id: the service already tracks 2 runners (its limit) and 'c' is not one of them", detail, StringComparison.Ordinal);
        }
        // A known runner still updates at the limit.
        time.Now += TimeSpan.FromMinutes(6);
        using (var a = await ReportAsync(harness, Report("a", 2)))
        {
            Assert.Equal(HttpStatusCode.NoContent, a.StatusCode);
        }
        // b has not reported for 11 minutes: forgotten, so c fits, and b's series are gone.
        time.Now += TimeSpan.FromMinutes(5);
        using (var c = await ReportAsync(harness, Report("c", 0)))
        {
            Assert.Equal(HttpStatusCode.NoContent, c.StatusCode);
        }
        var metrics = await ScrapeAsync(harness);
        Assert.Equal(2, metrics.Value("rtcbench_runner_spool_pending", "runner=\"a\",location=\"none\""));
        Assert.Equal(0, metrics.Value("rtcbench_runner_spool_pending", "runner=\"c\",location=\"none\""));
        Assert.DoesNotContain("runner=\"b\"", metrics.Text, StringComparison.Ordinal);
        Assert.Equal(2, metrics.Value("rtcbench_runners_tracked"));
        Assert.Equal(1, metrics.Value("rtcbench_runner_reports_refused_total", "reason=\"runner_limit\""));
    }

    [Theory]
    [InlineData("""{"spool":{"pending":0}}""", "runner_id: missing")]
    [InlineData("""{"runner_id":"","spool":{"pending":0}}""", "runner_id: empty")]
    [InlineData("""{"runner_id":"a b","spool":{"pending":0}}""", "runner_id: 'a b' may hold only letters, digits")]
    [InlineData("""{"runner_id":7,"spool":{"pending":0}}""", "runner_id: expected a string, got a number")]
    [InlineData("""{"runner_id":"a","location":"","spool":{"pending":0}}""", "location: empty")]
    [InlineData("""{"runner_id":"a"}""", "spool: missing")]
    [InlineData("""{"runner_id":"a","spool":[]}""", "spool: expected an object, got an array")]
    [InlineData("""{"runner_id":"a","spool":{}}""", "spool.pending: missing")]
    [InlineData("""{"runner_id":"a","spool":{"pending":-1}}""", "spool.pending: -1 is outside 0..1000000000")]
    [InlineData("""{"runner_id":"a","spool":{"pending":1.5}}""", "spool.pending: 1.5 is not a whole number")]
    [InlineData("""{"runner_id":"a","spool":{"pending":"3"}}""", "spool.pending: expected a whole number, got a string")]
    [InlineData("""{"runner_id":"a","spool":{"pending":2}}""", "spool.oldest_age_seconds: missing; required when runs are pending")]
    [InlineData("""{"runner_id":"a","spool":{"pending":2,"oldest_age_seconds":-3}}""", "spool.oldest_age_seconds: -3 is outside 0..")]
    [InlineData("""{"runner_id":"a","spool":{"pending":0,"oldest_age_seconds":9}}""", "spool.oldest_age_seconds: 9 with no run pending")]
    [InlineData("""{"runner_id":"a","spool":{"pending":0,"bytes":10}}""", "spool.bytes: 10 with no run pending")]
    [InlineData("""{"runner_id":"a","spool":{"pending":1,"oldest_age_seconds":1,"byts":10}}""", "spool.byts: unknown field")]
    [InlineData("""{"runner_id":"a","runner":"b","spool":{"pending":0}}""", "runner: unknown field")]
    [InlineData("""{"runner_id":"a","runner_id":"b","spool":{"pending":0}}""", "runner_id: given twice")]
    [InlineData("""{"runner_id":"a","spool":{"pending":1,"oldest_age_seconds":1e309}}""", "spool.oldest_age_seconds")]
    [InlineData("""[1]""", "the body is an array, not a runner report object")]
    [InlineData("""{"runner_id":"a",""", "malformed JSON")]
    public async Task Report_Invalid_Is400NamingTheFieldAndCounted(string body, string expected)
    {
        await using var harness = await ServerHarness.StartAsync();
        using var response = await ReportAsync(harness, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string detail = (await response.Content.ReadFromJsonAsync<JsonElement>(harness.Ct)).GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        var metrics = await ScrapeAsync(harness);
        Assert.Equal(1, metrics.Value("rtcbench_runner_reports_refused_total", "reason=\"invalid\""));
        Assert.Equal(0, metrics.Value("rtcbench_runners_tracked"));
    }

    [Fact]
    public async Task Report_WithoutTheIngestToken_Is401AndKeepsNothing()
    {
        await using var harness = await ServerHarness.StartAsync(token: Token);
        using var anonymous = new ResultServiceClient(harness.Server.BaseUrl, token: null);

        var result = await anonymous.ReportAsync(new RunnerReport("a", null, SpoolState.Empty), harness.Ct);

        Assert.Equal(DeliveryStatus.Unauthorized, result.Status);
        var metrics = await ScrapeAsync(harness);
        Assert.Equal(0, metrics.Value("rtcbench_runners_tracked"));
        Assert.Equal(1, metrics.Value("rtcbench_runner_reports_refused_total", "reason=\"unauthorized\""));
        Assert.Equal(0, metrics.Value("rtcbench_ingest_errors_total", "reason=\"unauthorized\""));
    }

    [Fact]
    public async Task Report_NotJson_Is415()
    {
        await using var harness = await ServerHarness.StartAsync();
        using var response = await harness.Client.PostAsync("/api/runners/heartbeat", new StringContent("x", Encoding.UTF8, "text/plain"), harness.Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public void Options_RunnerLimits_AreValidated()
    {
        var options = new ServerOptions { MaxRunners = 0, RunnerExpiry = TimeSpan.FromSeconds(5) };
        var problems = options.Validate();
        Assert.Contains(problems, p => p.StartsWith("MaxRunners must be at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("RunnerExpiry must be at least a minute", StringComparison.Ordinal));
    }
}

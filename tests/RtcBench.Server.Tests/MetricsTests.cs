using System.Net;
using System.Text;
using RtcBench.Server.Tests.Support;
using RtcBench.Tests.Shared;

namespace RtcBench.Server.Tests;

/// <summary>GET /metrics of a live service: ingest outcomes by reason, the newest run per platform × location × channel.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterIngests_CountEachOutcomeAndShowTheLatestRunAsTheApiDoes()
    {
        await using var harness = await ServerHarness.StartAsync();
        var older = RunFactory.Create([30, 40, 50], startedAt: RunFactory.BaseTime, location: "eu-west-1", channel: "lossy");
        var newer = RunFactory.Create([10, 20, 30], lost: 1, startedAt: RunFactory.BaseTime.AddMinutes(5), location: "eu-west-1", channel: "lossy");
        var other = RunFactory.Create([5, 6, 7], startedAt: RunFactory.BaseTime, location: null, channel: "reliable");
        await harness.PostAllAsync(older, newer, other);
        using (var again = await harness.PostRunAsync(newer))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        using (var bad = await harness.PostJsonAsync("{\"run_id\": 3}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        using (var text = await harness.Client.PostAsync("/api/runs", new StringContent("x", Encoding.UTF8, "text/plain"), harness.Ct))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        }

        var metrics = await ScrapeAsync(harness);

        Assert.Equal(3, metrics.Value("rtcbench_runs_ingested_total"));
        Assert.Equal(1, metrics.Value("rtcbench_ingest_duplicates_total"));
        Assert.Equal(1, metrics.Value("rtcbench_ingest_errors_total", "reason=\"invalid\""));
        Assert.Equal(1, metrics.Value("rtcbench_ingest_errors_total", "reason=\"unsupported_media_type\""));
        Assert.Equal(0, metrics.Value("rtcbench_ingest_errors_total", "reason=\"conflict\""));
        Assert.Equal(1, metrics.Value("rtcbench_store_up"));
        var latest = await harness.GetJsonAsync("/api/results/latest?channel=lossy");
        var run = Assert.Single(latest.GetProperty("runs").EnumerateArray());
        Assert.Equal(newer.RunId, run.GetProperty("run_id").GetString());
        string lossy = "platform=\"udp\",location=\"eu-west-1\",channel=\"lossy\"";
        Assert.Equal(run.GetProperty("rtt_p50_us").GetDouble() / 1e6, metrics.Value("rtcbench_latest_rtt_p50_seconds", lossy), 9);
        Assert.Equal(run.GetProperty("rtt_p95_us").GetDouble() / 1e6, metrics.Value("rtcbench_latest_rtt_p95_seconds", lossy), 9);
        Assert.Equal(run.GetProperty("rtt_p99_us").GetDouble() / 1e6, metrics.Value("rtcbench_latest_rtt_p99_seconds", lossy), 9);
        Assert.Equal(0.25, metrics.Value("rtcbench_latest_loss_ratio", lossy), 9);
        Assert.Equal(newer.StartedAt.ToUnixTimeMilliseconds() / 1e3, metrics.Value("rtcbench_latest_run_start_timestamp_seconds", lossy), 3);
        string reliable = "platform=\"udp\",location=\"none\",channel=\"reliable\"";
        Assert.Equal(0, metrics.Value("rtcbench_latest_loss_ratio", reliable));
        Assert.Equal(1, metrics.Value("rtcbench_latest_run_ok", reliable));
        // The process and .NET runtime metrics come along.
        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
        Assert.True(metrics.Has("dotnet_collection_count_total"));
        Assert.True(metrics.Value("rtcbench_build_info", $"version=\"{Core.ToolInfo.Version}\"") == 1);
    }

    [Fact]
    public async Task Metrics_WithAnIngestToken_StayOpenByDefaultAndCountUnauthorizedPosts()
    {
        const string token = "metrics-test-token-0123456789";
        await using var harness = await ServerHarness.StartAsync(token: token);
        using var anonymous = new HttpClient { BaseAddress = harness.Server.BaseUrl };
        using (var post = await anonymous.PostAsync("/api/runs", new StringContent("{}", Encoding.UTF8, "application/json"), harness.Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        }
        using var response = await anonymous.GetAsync("/metrics", harness.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync(harness.Ct));
        Assert.Equal(1, metrics.Value("rtcbench_ingest_errors_total", "reason=\"unauthorized\""));
    }

    [Fact]
    public async Task Metrics_WhenTheTokenIsRequired_AnswerUnauthorizedWithoutItAndServeWithIt()
    {
        const string token = "metrics-test-token-0123456789";
        await using var harness = await ServerHarness.StartAsync(token: token, configure: o => o.MetricsRequireToken = true);
        using var anonymous = new HttpClient { BaseAddress = harness.Server.BaseUrl };
        using (var refused = await anonymous.GetAsync("/metrics", harness.Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain(token, await refused.Content.ReadAsStringAsync(harness.Ct), StringComparison.Ordinal);
        }
        using (var health = await anonymous.GetAsync("/health", harness.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);   // other reads stay open
        }
        Assert.True((await ScrapeAsync(harness)).Has("rtcbench_runs_ingested_total"));
    }

    [Fact]
    public void Options_MetricsBehindATokenWithoutOne_AreRefusedAtStart()
    {
        var options = new ServerOptions { MetricsRequireToken = true };
        Assert.Contains(options.Validate(), p => p.Contains("metrics behind the ingest token needs an ingest token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(400, "invalid")]
    [InlineData(401, "unauthorized")]
    [InlineData(409, "conflict")]
    [InlineData(413, "too_large")]
    [InlineData(415, "unsupported_media_type")]
    [InlineData(503, "store_unavailable")]
    [InlineData(500, "other")]
    public void Reason_OfEachRefusal_IsNamed(int status, string reason) =>
        Assert.Equal(reason, Metrics.ServerMetrics.Reason(status));

    private static async Task<PrometheusText> ScrapeAsync(ServerHarness harness)
    {
        using var response = await harness.Client.GetAsync("/metrics", harness.Ct);
        string body = await response.Content.ReadAsStringAsync(harness.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics: {(int)response.StatusCode} {body}");
        return new PrometheusText(body);
    }
}

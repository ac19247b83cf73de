using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RtcBench.Agent;
using RtcBench.Core.Results;
using RtcBench.Deploy.Tests.Support;
using RtcBench.Server;
using RtcBench.Storage.Sqlite;
using RtcBench.Storage.Tests;

namespace RtcBench.Deploy.Tests;

/// <summary>
/// A real Prometheus scrapes a live results service and a live echo agent (the agent behind its API key, read from
/// a credentials file as deploy/prometheus/prometheus.yml shows) and evaluates the shipped alert rules on them.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private const string AgentKey = "deploy-test-agent-key-0123456789";

    [Fact]
    public async Task Prometheus_ScrapingAServiceAndAnAgent_SeesThemUpWithTheirFiguresAndEvaluatesTheRules()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        using var dir = new TempDirectory();
        await using var store = new SqliteResultStore(dir.File("results.db"));
        await store.InitializeAsync(ct);
        await using var server = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store, ct: ct);
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), ApiKey = AgentKey, MaxRooms = 4 }, ct: ct);

        // One stored run (2 of 8 pings lost) and one room on the agent.
        var run = RunnerDocuments.Create([12, 14, 16, 18, 20, 22, null, null], startedAt: DateTimeOffset.UtcNow.AddMinutes(-10), location: "fra1");
        using var http = new HttpClient();
        using (var posted = await http.PostAsync(new Uri(server.BaseUrl, "/api/runs"),
            new StringContent(ResultJson.Serialize(run, indented: false), Encoding.UTF8, "application/json"), ct))
        {
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }
        // One runner's report of its spool (3 runs waiting, the oldest 90 s old).
        using (var client = new Storage.Delivery.ResultServiceClient(server.BaseUrl, token: null))
        {
            var reported = await client.ReportAsync(new Storage.Delivery.RunnerReport("bench-fra1", "fra1", new Storage.Delivery.SpoolState(3, 90, 6000, 0)), ct);
            Assert.Equal(Storage.Delivery.DeliveryStatus.Delivered, reported.Status);
        }
        using (var connect = new HttpRequestMessage(HttpMethod.Post, new Uri(agent.BaseUrl, "/connect")) { Content = new StringContent("{}", Encoding.UTF8, "application/json") })
        {
            connect.Headers.Add("X-Api-Key", AgentKey);
            using var connected = await http.SendAsync(connect, ct);
            Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        }

        await File.WriteAllTextAsync(dir.File("agent.key"), AgentKey + "\n", ct);
        Directory.CreateDirectory(dir.File("tsdb"));
        await File.WriteAllTextAsync(dir.File("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {Repo.Path("deploy", "prometheus", "rtcbench-rules.yml")}
            scrape_configs:
              - job_name: rtcbench-serve
                static_configs:
                  - targets: ['{server.BaseUrl.Authority}']
              - job_name: rtcbench-agent
                authorization:
                  type: Bearer
                  credentials_file: {dir.File("agent.key")}
                static_configs:
                  - targets: ['{agent.BaseUrl.Authority}']
            """, ct);
        using var prometheus = PrometheusProcess.Start(dir.File("prometheus.yml"), dir.File("tsdb"));

        // Both targets up. With a 1 s interval a scrape times out after 1 s, so on a loaded machine one may fail
        // (up 0) before one succeeds: the wait is for the first successful scrape of each.
        var up = await prometheus.WaitForAsync("up == 1", answer => answer.Count == 2, ct);
        Assert.Equal(["rtcbench-agent", "rtcbench-serve"], up.Select(s => s.Labels["job"]).Order(StringComparer.Ordinal));

        var ingested = Assert.Single(await prometheus.WaitForAsync("rtcbench_runs_ingested_total", a => a.Count == 1, ct));
        Assert.Equal(1, ingested.Value);
        var loss = Assert.Single(await prometheus.WaitForAsync("rtcbench_latest_loss_ratio", a => a.Count == 1, ct));
        Assert.Equal(("udp", "fra1", "lossy"), (loss.Labels["platform"], loss.Labels["location"], loss.Labels["channel"]));
        Assert.Equal(run.Stats.LossRate, loss.Value, 9);
        var p50 = Assert.Single(await prometheus.WaitForAsync("rtcbench_latest_rtt_p50_seconds", a => a.Count == 1, ct));
        Assert.Equal(run.Stats.Rtt!.P50Us / 1e6, p50.Value, 9);
        var rooms = Assert.Single(await prometheus.WaitForAsync("rtcbench_agent_rooms_created_total", a => a.Count == 1, ct));
        Assert.Equal(1, rooms.Value);
        Assert.Equal(4, Assert.Single(await prometheus.WaitForAsync("rtcbench_agent_rooms_max", a => a.Count == 1, ct)).Value);
        var spool = Assert.Single(await prometheus.WaitForAsync("rtcbench_runner_spool_pending", a => a.Count == 1, ct));
        Assert.Equal(("bench-fra1", "fra1", 3.0), (spool.Labels["runner"], spool.Labels["location"], spool.Value));
        Assert.True(Assert.Single(await prometheus.WaitForAsync("rtcbench_runner_spool_oldest_age_seconds", a => a.Count == 1, ct)).Value >= 90);
        var cpu = await prometheus.WaitForAsync("process_cpu_seconds_total", a => a.Count == 2, ct);
        Assert.All(cpu, s => Assert.True(s.Value > 0));

        // Every shipped rule evaluates without error on the live series.
        var rules = await WaitForRulesEvaluatedAsync(prometheus, ct);
        Assert.Equal(11, rules.Count);
        Assert.All(rules, r => Assert.True(r.Health == "ok", $"rule {r.Name}: {r.Health} {r.Error}"));
    }

    private static async Task<List<(string Name, string Health, string? Error)>> WaitForRulesEvaluatedAsync(PrometheusProcess prometheus, CancellationToken ct)
    {
        while (true)
        {
            var json = await prometheus.Http.GetFromJsonAsync<JsonElement>("api/v1/rules", ct);
            var rules = json.GetProperty("data").GetProperty("groups").EnumerateArray()
                .SelectMany(g => g.GetProperty("rules").EnumerateArray())
                .Select(r => (
                    Name: r.GetProperty("name").GetString()!,
                    Health: r.GetProperty("health").GetString()!,
                    Error: r.TryGetProperty("lastError", out var e) ? e.GetString() : null))
                .ToList();
            if (rules.Count > 0 && rules.All(r => r.Health != "unknown"))
            {
                return rules;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }
}

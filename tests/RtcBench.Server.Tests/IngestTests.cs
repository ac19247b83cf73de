using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RtcBench.Core.Results;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage;

namespace RtcBench.Server.Tests;

public sealed class IngestTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Post_NewRun_201WithLocationAndStored()
    {
        await using var harness = await ServerHarness.StartAsync();
        var run = RunFactory.Create([1, 2, 3], lost: 1);

        using var response = await harness.PostRunAsync(run);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/runs/" + run.RunId, response.Headers.Location!.OriginalString);
        var body = await ServerHarness.ReadJsonAsync(response, harness.Ct);
        Assert.Equal(run.RunId, body.GetProperty("run_id").GetString());
        var stored = await harness.Store.GetRunAsync(run.RunId, includePings: true, harness.Ct);
        Assert.Equal(ResultJson.Serialize(run), ResultJson.Serialize(stored!));
    }

    [Fact]
    public async Task Post_SameRunTwice_200SameBodyAndNoDuplicate()
    {
        await using var harness = await ServerHarness.StartAsync();
        var run = RunFactory.Create([1, 2, 3]);

        using var first = await harness.PostRunAsync(run);
        using var second = await harness.PostRunAsync(run);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(harness.Ct), await second.Content.ReadAsStringAsync(harness.Ct));
        var page = await harness.Store.ListRunsAsync(new RunQuery(), harness.Ct);
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task Post_SameIdDifferentContent_409NamingTheDifferenceAndStoredRunKept()
    {
        await using var harness = await ServerHarness.StartAsync();
        await AssertConflictAsync(harness, harness.Ct);
    }

    [Fact]
    public async Task Post_SameRunWrittenDifferently_200AndNothingChanged()
    {
        await using var harness = await ServerHarness.StartAsync();
        await AssertSameRunWrittenDifferentlyAsync(harness, harness.Ct);
    }

    /// <summary>A stored run, then the same id with one ping's RTT and the statistics changed to match: 409, the first run kept.</summary>
    internal static async Task AssertConflictAsync(ServerHarness harness, CancellationToken ct)
    {
        var run = RunFactory.Create([10, 11, 12, 13]);
        var other = RunFactory.Create([10, 11, 12.5, 13]) with { RunId = run.RunId, StartedAt = run.StartedAt, EndedAt = run.EndedAt };
        other = other with { Pings = other.Pings.Select((p, i) => p with { ScheduledAt = run.Pings[i].ScheduledAt, SentAt = run.Pings[i].SentAt }).ToArray() };
        await harness.PostAllAsync(run);

        using var response = await harness.PostRunAsync(other);

        string detail = await AssertProblemAsync(response, HttpStatusCode.Conflict, $"run_id: run {run.RunId} is already stored with different content (first difference: ", ct);
        Assert.Contains("first difference: stats.", detail, StringComparison.Ordinal);
        var stored = await harness.Store.GetRunAsync(run.RunId, includePings: true, ct);
        Assert.Null(RunIdentity.FirstDifference(stored!, run));
        using var again = await harness.PostRunAsync(run);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    /// <summary>The stored run re-posted with other time offsets and another key order: the same run, 200.</summary>
    internal static async Task AssertSameRunWrittenDifferentlyAsync(ServerHarness harness, CancellationToken ct)
    {
        var run = RunFactory.Create([10, 11, 12, 13], lost: 1);
        await harness.PostAllAsync(run);
        var node = JsonNode.Parse(ResultJson.Serialize(run with
        {
            StartedAt = run.StartedAt.ToOffset(TimeSpan.FromHours(9)),
            Pings = run.Pings.Select(p => p with { ScheduledAt = p.ScheduledAt.ToOffset(TimeSpan.FromHours(-3)) }).ToArray(),
        }))!.AsObject();
        var reordered = new JsonObject();
        foreach (var (key, value) in node.Reverse().ToList())
        {
            node.Remove(key);
            reordered[key] = value;
        }

        using var response = await harness.PostJsonAsync(reordered.ToJsonString());

        string body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(1, (await harness.Store.ListRunsAsync(new RunQuery(), ct)).Total);
    }

    [Fact]
    public async Task Post_EchoLostRunWithAbandonedPings_201ThenTheSameRun200()
    {
        await using var harness = await ServerHarness.StartAsync();
        var run = Storage.Tests.RunnerDocuments.EchoLost();

        using var first = await harness.PostRunAsync(run);
        using var second = await harness.PostRunAsync(run);

        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync(harness.Ct));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var stored = ResultJson.Deserialize(await harness.Client.GetStringAsync("/api/runs/" + run.RunId, harness.Ct));
        Assert.Equal(RunOutcome.EchoLostReason, stored.Outcome.Reason);
        Assert.Equal(4, stored.Stats.Abandoned);
    }

    [Fact]
    public async Task Get_StoredRun_ReturnsTheDocumentWithPings()
    {
        await using var harness = await ServerHarness.StartAsync();
        var run = RunFactory.Create([1, 2, 3], lost: 2);
        await harness.PostAllAsync(run);

        using var response = await harness.Client.GetAsync("/api/runs/" + run.RunId, harness.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = ResultJson.Deserialize(await response.Content.ReadAsStringAsync(harness.Ct));
        Assert.Equal(ResultJson.Serialize(run), ResultJson.Serialize(read));
        Assert.Equal(5, read.Pings.Count);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-run-id")]
    public async Task Get_AbsentRun_404ProblemDetails(string id)
    {
        await using var harness = await ServerHarness.StartAsync();

        var problem = await harness.GetJsonAsync("/api/runs/" + id, HttpStatusCode.NotFound);

        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("no run with id", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TruncatedBody_400MalformedAndNothingStored()
    {
        await using var harness = await ServerHarness.StartAsync();
        string json = ResultJson.Serialize(RunFactory.Create([1, 2, 3]), indented: false);

        using var response = await harness.PostJsonAsync(json[..(json.Length / 2)]);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed JSON at line 1, byte ", harness.Ct);
        Assert.Equal(0, (await harness.Store.ListRunsAsync(new RunQuery(), harness.Ct)).Total);
    }

    [Theory]
    [InlineData("pings", 3, "status", "\"x\"", "pings[3].status: unknown status 'x'")]
    [InlineData("", -1, "channel", "\"sideways\"", "channel: unknown channel 'sideways'")]
    [InlineData("", -1, "run_id", "\"ABC\"", "run_id: 'ABC' is not 32 lower-case hex digits")]
    [InlineData("", -1, "schema", "\"rtcbench.run/9\"", "schema: unsupported schema")]
    [InlineData("histogram", -1, "data", "\"AAAA\"", "histogram.data: not a valid")]
    [InlineData("pings", 1, "seq", "0", "pings[1].seq: 0, expected 1")]
    [InlineData("", -1, "platform", "\"teams\"", "platform: unknown platform 'teams'; known: udp, direct, janus, livekit, daily")]
    [InlineData("", -1, "latitude", "1000", "latitude: 1000 is outside -90..90")]
    [InlineData("", -1, "started_at", "\"9999-01-01T00:00:00Z\"", "started_at: 9999-01-01T00:00:00.000000Z is in the future")]
    [InlineData("", -1, "started_at", "\"2001-01-01T00:00:00Z\"", "started_at: 2001-01-01T00:00:00.000000Z is before RtcBench existed")]
    [InlineData("", -1, "ended_at", "\"2026-11-21T09:00:00Z\"", "ended_at: 2026-11-21T09:00:00.000000Z is before started_at")]
    [InlineData("stats.rtt", -1, "p50_us", "-5", "stats.rtt.p50_us: -5 is negative")]
    [InlineData("stats.rtt", -1, "p50_us", "3100", "stats.rtt.p50_us: 3100 disagrees with 3000 recomputed from the pings")]
    [InlineData("stats.rtt", -1, "p50_us", "1e309", "stats.rtt.p50_us: 1e309 is beyond the range of a number (±1.8e308)")]
    [InlineData("", -1, "longitude", "-1e400", "longitude: -1e400 is beyond the range of a number")]
    [InlineData("stats", -1, "ok", "1.5", "stats.ok: expected a whole number from -2147483648 to 2147483647")]
    [InlineData("pings", 2, "rtt_us", "\"fast\"", "pings[2].rtt_us: expected a number")]
    [InlineData("", -1, "started_at", "\"yesterday\"", "started_at: expected an ISO 8601 time")]
    [InlineData("", -1, "pings", "{}", "pings: expected a JSON array")]
    public async Task Post_InvalidField_400NamingTheField(string parent, int index, string field, string json, string expected)
    {
        await using var harness = await ServerHarness.StartAsync();
        var node = JsonNode.Parse(ResultJson.Serialize(RunFactory.Create([1, 2, 3, 4, 5])))!;
        JsonNode target = parent.Length == 0 ? node : parent.Split('.').Aggregate(node, (n, part) => n[part]!);
        if (index >= 0)
        {
            target = target[index]!;
        }
        // Spliced in as raw text: 1e309 and the like cannot be written by a JSON library.
        const string marker = "\"__VALUE__\"";
        target[field] = "__VALUE__";
        string body = node.ToJsonString().Replace(marker, json, StringComparison.Ordinal);

        using var response = await harness.PostJsonAsync(body);

        string detail = await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected, harness.Ct);
        Assert.StartsWith(expected, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", detail, StringComparison.Ordinal);
        Assert.Equal(0, (await harness.Store.ListRunsAsync(new RunQuery(), harness.Ct)).Total);
    }

    [Theory]
    [InlineData("{\"run_id\": ", "malformed JSON at line 1, byte 12")]
    [InlineData("{\"run_id\": \"a\",}", "malformed JSON at line 1, byte 16 (near run_id)")]
    [InlineData("", "the body is empty")]
    [InlineData("[1, 2]", "the document: expected a JSON object")]
    [InlineData("{\"schema\": \"rtcbench.run/1\"}", "run_id: missing")]
    public async Task Post_NotADocument_400InOurWords(string body, string expected)
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.PostJsonAsync(body);

        string detail = await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected, harness.Ct);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Path:", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidUtf8InAString_400NamingTheField()
    {
        await using var harness = await ServerHarness.StartAsync();
        byte[] body = Encoding.UTF8.GetBytes(ResultJson.Serialize(RunFactory.Create([1, 2]), indented: false));
        int at = body.AsSpan().IndexOf("\"eu-west-1\""u8);
        body[at + 9] = 0xFF; // "eu-west-\xFF": not UTF-8
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await harness.Client.PostAsync("/api/runs", content, harness.Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "location: not valid UTF-8 text", harness.Ct);
    }

    [Fact]
    public async Task Post_NotJson_415()
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.PostAsync("/api/runs", new StringContent("hello", Encoding.UTF8, "text/plain"), harness.Ct);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json", harness.Ct);
    }

    [Fact]
    public async Task Post_TenMegabyteBody_413()
    {
        await using var harness = await ServerHarness.StartAsync();
        var body = new ByteArrayContent(new byte[10 * 1024 * 1024]);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await harness.Client.PostAsync("/api/runs", body, harness.Ct);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "exceeds 8388608 bytes", harness.Ct);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_413()
    {
        await using var harness = await ServerHarness.StartAsync(maxBodyBytes: 64 * 1024);
        var content = new StreamContent(new MemoryStream(new byte[200 * 1024]));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await harness.Client.SendAsync(request, harness.Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-wrong-token")]
    public async Task Post_MissingOrWrongToken_401AndNothingStored(string? presented)
    {
        await using var harness = await ServerHarness.StartAsync(token: Token);
        harness.Client.DefaultRequestHeaders.Authorization =
            presented is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", presented);

        using var response = await harness.PostRunAsync(RunFactory.Create([1]));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "ingest token", harness.Ct);
        Assert.Equal(0, (await harness.Store.ListRunsAsync(new RunQuery(), harness.Ct)).Total);
    }

    [Fact]
    public async Task Post_RightToken_201AndReadsNeedNoToken()
    {
        await using var harness = await ServerHarness.StartAsync(token: Token);

        using var response = await harness.PostRunAsync(RunFactory.Create([1]));
        harness.Client.DefaultRequestHeaders.Authorization = null;
        var list = await harness.GetJsonAsync("/api/runs");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, list.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Start_BeyondLoopbackWithoutToken_RefusesToStart()
    {
        var options = new ServerOptions { Listen = new IPEndPoint(IPAddress.Any, 0) };
        await using var store = new Storage.Sqlite.SqliteResultStore(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".db"));

        var error = await Assert.ThrowsAsync<ServerConfigurationException>(() => ServerHost.StartAsync(options, store));

        Assert.Contains("without an ingest token", error.Message, StringComparison.Ordinal);
    }

    internal static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailPart, CancellationToken ct)
    {
        string body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(detailPart, detail, StringComparison.Ordinal);
        return detail;
    }
}

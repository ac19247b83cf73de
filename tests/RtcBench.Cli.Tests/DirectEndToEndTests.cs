using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Storage;

namespace RtcBench.Cli.Tests;

/// <summary>
/// The <c>direct</c> platform end to end: the real agent (Kestrel, WHIP-like signalling, ICE-lite answering peer)
/// and the real `rtcbench run` (full ICE offerer) over loopback, real DTLS/SCTP, results stored in SQLite.
/// </summary>
public sealed class DirectEndToEndTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_AgentProcessOnDirectEngineCore_200PingsOnBothChannelsNoneLost()
    {
        // `rtcbench agent --direct-engine core`: the sessions run on RtcCore on the shared socket's receive thread.
        await using var agent = await AgentProcess.StartAsync(extraArgs: ["--direct-engine", "core"]);

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct",
            "--count", "200", "--interval", "5ms", "--warmup", "10", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr + "\n--- agent ---\n" + agent.Stderr);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["reliable", "lossy"], runs.Select(r => r.Channel));
        Assert.All(runs, run =>
        {
            Assert.Equal("ok", run.Outcome.Status);
            Assert.Equal(200, run.Stats.Ok);
            Assert.Equal(0, run.Stats.Lost);
        });
    }

    [Fact]
    public async Task Run_Direct200PingsOnBothChannels_NoneLostPathRecordedAndStored()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct",
            "--count", "200", "--interval", "5ms", "--warmup", "10", "--store", _cli.StoreSpec, "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["reliable", "lossy"], runs.Select(r => r.Channel));
        await using var store = ResultStoreFactory.Open(_cli.StoreSpec);
        foreach (var run in runs)
        {
            Assert.Equal("direct", run.Platform);
            Assert.Equal("webrtc-datachannel", run.TransportMode);
            Assert.Equal("ok", run.Outcome.Status);
            Assert.Equal(200, run.Stats.Sent);
            Assert.Equal(200, run.Stats.Ok);
            Assert.Equal(0, run.Stats.Lost);
            Assert.All(run.Pings.Where(p => p.Status == "ok"), p => Assert.True(p.RttUs > 0 && p.NetRttUs > 0 && p.NetRttUs <= p.RttUs));
            var path = run.Path!;
            Assert.Contains("127.0.0.1", path.CandidatePair, StringComparison.Ordinal);
            Assert.NotNull(path.SetupMs);
            foreach (var key in new[] { "ice_ms", "dtls_ms", "sctp_ms", "channel_open_ms" })
            {
                Assert.True(path.Details!.ContainsKey(key), $"{key} missing from {string.Join(",", path.Details.Keys)}");
            }

            var stored = await store.GetRunAsync(run.RunId, includePings: true, CancellationToken.None);
            Assert.NotNull(stored);
            Assert.Equal(run.Pings, stored!.Pings);
            Assert.Equal(run.Stats, stored.Stats);
        }

        Assert.Equal("reliable-ordered", runs[0].Path!.Reliability);
        Assert.Equal("unordered-maxRetransmits-0", runs[1].Path!.Reliability);
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        var rooms = await http.GetFromJsonAsync<JsonElement>("rooms");
        Assert.Equal(0, rooms.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task Run_Direct1000PingsAt2msOnBothChannels_NoneLostEachSeqOnce()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct",
            "--count", "1000", "--interval", "2ms", "--warmup", "20", "--no-store", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["reliable", "lossy"], runs.Select(r => r.Channel));
        foreach (var run in runs)
        {
            Assert.True(run.Outcome.Status == "ok", $"{run.Channel}: {run.Outcome.Status} {run.Outcome.Reason}");
            Assert.Equal(1000, run.Stats.Sent);
            Assert.True(run.Stats.Ok == 1000 && run.Stats.Lost == 0, $"{run.Channel}: ok={run.Stats.Ok} lost={run.Stats.Lost}");
            var measured = run.Pings.Where(p => p.Status != "warmup").ToList();
            Assert.Equal(1000, measured.Count);
            Assert.All(measured, p => Assert.Equal("ok", p.Status));
            Assert.Equal(1000, measured.Select(p => p.Seq).Distinct().Count());
            Assert.All(measured, p => Assert.True(p.RttUs > 0 && p.NetRttUs <= p.RttUs, $"{run.Channel} #{p.Seq}: rtt={p.RttUs}"));
        }
    }

    [Fact]
    public async Task Run_DirectWithTheAgentAsDtlsClient_BothChannelsMeasuredRunnerIsDtlsServer()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.DirectDtlsRole = RtcBench.Rtc.Dtls.DtlsRole.Client);

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct",
            "--count", "100", "--interval", "5ms", "--warmup", "5", "--no-store", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["reliable", "lossy"], runs.Select(r => r.Channel));
        foreach (var run in runs)
        {
            Assert.True(run.Outcome.Status == "ok", $"{run.Channel}: {run.Outcome.Status} {run.Outcome.Reason}");
            Assert.Equal(100, run.Stats.Ok);
            Assert.Equal(0, run.Stats.Lost);
            Assert.Equal("server", run.Path!.Details!["dtls_role"]); // The agent answered a=setup:active.
        }
    }

    [Fact]
    public async Task Run_DirectLossyOnly_MeasuresOneChannel()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct", "--channel", "lossy",
            "--count", "30", "--interval", "5ms", "--warmup", "2", "--no-store", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var run = ResultJson.Deserialize(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single());
        Assert.Equal("lossy", run.Channel);
        Assert.Equal(30, run.Stats.Ok);
    }

    [Fact]
    public async Task Run_DirectAgainstAnAgentWithAnApiKey_SignallingAuthorisedAndMeasured()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.ApiKey = "s3cret-key-0123456789");
        _cli.Environment["RTCBENCH_AGENT_KEY"] = "s3cret-key-0123456789";

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct", "--channel", "reliable",
            "--count", "20", "--interval", "5ms", "--warmup", "2", "--no-store", "--json", "--quiet");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(20, ResultJson.Deserialize(result.Stdout.Trim()).Stats.Ok);
    }

    [Fact]
    public async Task Offer_AnswerAdvertisesTheLargestPingAsMaxMessageSize()
    {
        // The echo answers pings only: it says so (RFC 8841) instead of 256 KiB it would not answer.
        await using var agent = await CliHarness.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        var connect = await http.PostAsJsonAsync("connect", new { platforms = new[] { "direct" } });
        var creds = (await connect.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("platforms").GetProperty("direct");
        await using var offerer = RtcBench.Rtc.Peer.PeerConnection.CreateOfferer(new RtcBench.Rtc.Peer.PeerConnectionOptions { LocalAddress = IPAddress.Loopback });
        using var request = new HttpRequestMessage(HttpMethod.Post, creds.GetProperty("signal_url").GetString())
        {
            Content = new StringContent(offerer.CreateOffer(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", creds.GetProperty("token").GetString());

        var answer = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Contains($"a=max-message-size:{RtcBench.Core.Protocol.PingCodec.MaxMessageBytes}\r\n", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        offerer.SetRemoteAnswer(await answer.Content.ReadAsStringAsync());
        Assert.Equal(16_640, offerer.RemoteMaxMessageSize);
    }

    [Fact]
    public async Task Offer_BadTokenBadSdpUnknownRoomWrongType_AnsweredWithProblemDetails()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        var connect = await http.PostAsJsonAsync("connect", new { platforms = new[] { "direct" } });
        Assert.Equal(HttpStatusCode.OK, connect.StatusCode);
        var body = await connect.Content.ReadFromJsonAsync<JsonElement>();
        var creds = body.GetProperty("platforms").GetProperty("direct");
        string url = creds.GetProperty("signal_url").GetString()!;
        string token = creds.GetProperty("token").GetString()!;
        Assert.Equal($"/direct/{body.GetProperty("room_id").GetString()}/offer", url);

        async Task<HttpResponseMessage> Post(string path, string sdp, string? bearer, string type = "application/sdp")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(sdp, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            return await http.SendAsync(request);
        }

        var bad = await Post(url, "v=0\r\nnot an offer\r\n", token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(url, "v=0", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(url, "v=0", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Post($"/direct/{Guid.NewGuid():N}/offer", "v=0", token)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Post(url, "v=0", token, "application/json")).StatusCode);
    }
}

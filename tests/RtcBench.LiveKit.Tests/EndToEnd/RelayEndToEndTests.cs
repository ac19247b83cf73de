using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.Relay;
using RtcBench.LiveKit.Tests.StandIn;
using RtcBench.Rtc.Tests.Turn;

namespace RtcBench.LiveKit.Tests.EndToEnd;

/// <summary>
/// The <c>livekit</c> platform when the server forces relay (LiveKit's <c>force_relay</c>) and hands out a real
/// coturn in ice_servers: the real agent's echo and the real runner both relay through it, end to end.
/// </summary>
public sealed class RelayEndToEndTests(CoturnServer coturn) : IClassFixture<CoturnServer>
{
    [Fact]
    public async Task RtcbenchRun_ForceRelayThroughCoturn_NoneLostAndTheRelayRecorded()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        var logs = new CapturedLogs();
        await using var deployment = await StandInDeployment.StartAsync(
            new StandInOptions { ForceRelay = ClientConfigSetting.Enabled, IceServers = [RelayHelpers.Turn(coturn)] }, logs: logs);

        var result = await BenchmarkEndToEndTests.RunCliAsync("run", "--agent", deployment.Agent.BaseUrl.ToString(), "--platform", "livekit",
            "--channel", "both", "--count", "300", "--interval", "2ms", "--warmup", "10", "--no-store", "--json", "--quiet").WaitAsync(guard.Token);

        Assert.True(result.ExitCode == 0, result.Stderr + "\n" + logs.All);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["reliable", "lossy"], runs.Select(r => r.Channel));
        foreach (var run in runs)
        {
            Assert.True(run.Outcome.Status == "ok", $"{run.Channel}: {run.Outcome.Status} {run.Outcome.Reason}");
            Assert.True(run.Stats.Ok == 300 && run.Stats.Lost == 0, $"{run.Channel}: ok={run.Stats.Ok} lost={run.Stats.Lost}");
            var path = run.Path!;
            var details = path.Details!;
            Assert.Equal("relay", details["ice_transport_policy"]);
            Assert.Equal("relay", details["publisher_local_type"]);
            Assert.Equal("relay", details["subscriber_local_type"]);
            Assert.StartsWith("relay ", details["publisher_relay"], StringComparison.Ordinal);
            Assert.StartsWith("relay ", details["subscriber_relay"], StringComparison.Ordinal);
            Assert.Equal($"turn:127.0.0.1:{coturn.Endpoint.Port}?transport=udp", details["ice_servers"]);
            Assert.Contains("publisher relay 127.0.0.1:", path.CandidatePair, StringComparison.Ordinal);
            Assert.Contains("subscriber relay 127.0.0.1:", path.CandidatePair, StringComparison.Ordinal);

            // The pongs' path (the subscriber pair) starts at one of coturn's relayed addresses.
            Assert.True(RelayHelpers.IsCoturnRelay(coturn, IPEndPoint.Parse(path.LocalAddress!)), $"{path.LocalAddress} not in {coturn.MinRelayPort}..{coturn.MaxRelayPort}");
        }
    }

    [Fact]
    public async Task Connect_ForceRelayWrongTurnCredential_502NamesTheTurnFailureNeverTheCredential()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        var logs = new CapturedLogs();
        await using var deployment = await StandInDeployment.StartAsync(new StandInOptions
        {
            ForceRelay = ClientConfigSetting.Enabled,
            IceServers = [RelayHelpers.Turn(coturn, RelayHelpers.WrongCredential)],
        }, logs: logs);

        using var response = await deployment.Http.PostAsJsonAsync("connect", new { platforms = new[] { "livekit" } }, guard.Token);
        string text = await response.Content.ReadAsStringAsync(guard.Token);
        await deployment.FirstDeletion.WaitAsync(guard.Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        string detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("the echo participant could not join the LiveKit room", detail, StringComparison.Ordinal);
        Assert.Contains("TURN", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayHelpers.WrongCredential, text, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(RelayHelpers.WrongCredential, logs.All, StringComparison.Ordinal);
        Assert.Empty(deployment.Rooms.List());
    }
}

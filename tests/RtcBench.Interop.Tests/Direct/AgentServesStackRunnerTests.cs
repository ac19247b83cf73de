using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using RtcBench.Agent;
using RtcBench.Interop.Tests.Peers;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests.Direct;

/// <summary>
/// Our real agent (in-process, loopback, the <c>direct</c> platform: ICE-lite answerer, DTLS server) serves a runner
/// written on another stack (node/agent-runner.mjs on libdatachannel or werift): /connect, offer to signal_url, 1,000
/// pings on each channel, and the runner checks every pong itself (run, seq, ts echoed byte for byte, rx ≤ tx, wc).
/// </summary>
[Collection(NodePeersCollection.Name)]
public sealed class AgentServesStackRunnerTests(NodePeers peers, ITestOutputHelper output)
{
    private const int Pings = 1000;

    [Theory]
    [InlineData("libdatachannel")]
    [InlineData("werift")]
    public async Task Agent_RunnerIsAnotherStack_1000PingsPerChannelEveryPongValid(string stack)
    {
        var runner = await peers.GetAsync(stack);
        long mark = runner.LogMark();
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });

        JsonObject? report = null;
        string? error = null;
        try
        {
            report = await runner.CallAsync(
                new JsonObject { ["cmd"] = "agentRun", ["agent"] = agent.BaseUrl.ToString(), ["count"] = Pings, ["intervalMs"] = 2 },
                TimeSpan.FromMinutes(2));
        }
        catch (PeerCommandException ex)
        {
            error = ex.Message + "\n" + runner.Tail(mark);
        }

        var failures = new List<string>();
        foreach (string label in new[] { "reliable", "lossy" })
        {
            var channel = report?["channels"]!.AsArray().FirstOrDefault(c => c!["label"]!.GetValue<string>() == label);
            string connection = report?["connection"]?.GetValue<string>() ?? "?";
            bool passed = channel is not null && connection == "connected" && Int(channel, "received") == Pings && Int(channel, "missing") == 0
                && Int(channel, "duplicates") == 0 && Int(channel, "malformed") == 0;
            string detail = channel is null
                ? $"fail: {stack} runner → our agent: {error}"
                : $"{(passed ? "pass" : "fail")}: {stack} runner → our agent, {label}: sent {Int(channel, "sent")}, pongs {Int(channel, "received")}, " +
                  $"missing {Int(channel, "missing")}, duplicates {Int(channel, "duplicates")}, malformed {Int(channel, "malformed")} " +
                  $"{channel["examples"]?.ToJsonString()}, p50 {channel["p50"]!.GetValue<double>().ToString("0.000", CultureInfo.InvariantCulture)} ms; " +
                  $"the runner reported its connection {connection}";
            DirectProof.Record(stack, runner.Version, "them", "server", "lite", DirectProof.ChannelName(label), passed, detail);
            output.WriteLine(detail);
            if (!passed)
            {
                failures.Add(detail);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains("a=ice-lite", report!["answer"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static int Int(JsonNode channel, string name) => channel[name]!.GetValue<int>();
}

using System.Globalization;
using RtcBench.Cli;
using RtcBench.Core.Results;
using RtcBench.Interop.Tests.Peers;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests.Direct;

/// <summary>
/// The real <c>rtcbench run --platform direct</c> (in-process, as RtcBench.Cli.Tests runs it) against a stand-in agent
/// whose echo is libdatachannel or werift (<see cref="FakeDirectAgent"/>): our runner offers (full ICE), the other
/// stack answers as it likes, and answers each ping with a pong. 1,000 pings on each channel, every one answered.
/// </summary>
[Collection(NodePeersCollection.Name)]
public sealed class RunnerAgainstStackEchoTests(NodePeers peers, ITestOutputHelper output)
{
    private const int Pings = 1000;

    [Theory]
    [InlineData("libdatachannel")]
    [InlineData("werift")]
    public async Task RunDirect_EchoIsAnotherStack_1000PingsPerChannelAllAnswered(string stack)
    {
        var echo = await peers.GetAsync(stack);
        await using var agent = await FakeDirectAgent.StartAsync(echo);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var interrupts = new Interrupts();
        var context = new CliContext { Out = stdout, Error = TextWriter.Synchronized(stderr), Interrupts = interrupts, GetEnvironment = _ => null };
        int exit = await CliApp.RunAsync(
            ["run", "--agent", agent.BaseUrl.ToString(), "--platform", "direct", "--count", Pings.ToString(CultureInfo.InvariantCulture),
             "--interval", "2ms", "--warmup", "10", "--no-store", "--json", "--quiet"],
            context).WaitAsync(TimeSpan.FromMinutes(3));

        string answer = agent.Answers.TryPeek(out var a) ? a : "";
        string theirSetup = System.Text.RegularExpressions.Regex.Match(answer, "a=setup:([a-z]+)").Groups[1].Value;
        string ourDtls = theirSetup == "passive" ? "client" : "server";
        string echoStates = agent.ConnectionStates.TryPeek(out var st) ? st : "never answered";
        bool echoHealthy = echoStates.Contains("connected", StringComparison.Ordinal) && !echoStates.Contains("failed", StringComparison.Ordinal);
        var runs = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        var failures = new List<string>();
        foreach (string label in new[] { "reliable", "lossy" })
        {
            var run = runs.FirstOrDefault(r => r.Channel == label);
            string detail;
            bool passed;
            if (run is null)
            {
                passed = false;
                detail = $"fail: rtcbench run exited {exit} with no {label} result: {stderr.ToString().Trim()}\n  {stack}: {echo.Tail()}";
            }
            else
            {
                var measured = run.Pings.Where(p => p.Status != "warmup").ToList();
                passed = run.Outcome.Status == "ok" && echoHealthy && run.Stats.Ok == Pings && run.Stats.Lost == 0
                    && measured.Select(p => p.Seq).Distinct().Count() == Pings && measured.All(p => p.RttUs > 0 && p.NetRttUs <= p.RttUs);
                detail = $"{(passed ? "pass" : "fail")}: rtcbench run → {stack} echo, {label}: outcome {run.Outcome.Status}{(run.Outcome.Reason is { } why ? $" ({why})" : "")}, " +
                    $"sent {run.Stats.Sent}, ok {run.Stats.Ok}, lost {run.Stats.Lost}, late {run.Stats.Late}, rtt p50 {run.Stats.Rtt?.P50Us:0} µs, net p50 {run.Stats.NetRtt?.P50Us:0} µs; " +
                    $"{stack} answered a=setup:{theirSetup} and went {echoStates}";
            }

            DirectProof.Record(stack, echo.Version, "us", ourDtls, "full", DirectProof.ChannelName(label), passed, detail);
            output.WriteLine(detail);
            if (!passed)
            {
                failures.Add(detail);
            }
        }

        Assert.True(exit == 0 && failures.Count == 0, $"exit {exit}; {string.Join("\n", failures)}\nstderr: {stderr}");
    }
}

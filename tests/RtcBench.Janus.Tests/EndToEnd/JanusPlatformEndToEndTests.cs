using System.Globalization;
using RtcBench.Core.Measurement;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Runner;
using RtcBench.Storage.Validation;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.EndToEnd;

/// <summary>
/// The janus platform end to end: a real Janus (its own, per test), the real agent and `rtcbench run` in-process.
/// The agent creates a Janus room per run and puts its echo in it; the runner joins with the agent's credentials and
/// measures runner → Janus → echo → Janus → runner; afterwards the echo has left, the Janus room is destroyed and
/// Janus has no session left (its own Admin API). Failure paths end with a clear message and exit code.
/// </summary>
public sealed class JanusPlatformEndToEndTests
{
    private const int Pings = 1000;
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("sfu", JanusTransportKind.WebSocket)]
    [InlineData("textroom", JanusTransportKind.Http)]
    public async Task RtcbenchRun_JanusPath_1000PingsNoneLostAndNothingLeftInJanus(string path, JanusTransportKind transport)
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, transport);
        var (exit, stdout, stderr) = await deployment.RunAsync("--janus-path", path, "--count", Pings.ToString(CultureInfo.InvariantCulture),
            "--interval", "2ms", "--warmup", "10").WaitAsync(Guard);

        Assert.True(exit == 0, janus.Explain($"exit {exit}: {stderr}"));
        var run = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize));
        Assert.True(run.Outcome.Status == "ok", janus.Explain($"{run.Outcome.Status} {run.Outcome.Reason}"));
        Assert.Equal(("janus", "reliable", "webrtc-datachannel"), (run.Platform, run.Channel, run.TransportMode));
        Assert.True(run.Stats.Sent == Pings && run.Stats.Ok == Pings && run.Stats.Lost == 0, $"sent {run.Stats.Sent} ok {run.Stats.Ok} lost {run.Stats.Lost}");
        var measured = run.Pings.Where(p => p.Status != "warmup").ToList();
        Assert.Equal(Pings, measured.Select(p => p.Seq).Distinct().Count());
        Assert.All(measured, p => Assert.True(p.RttUs > 0 && p.NetRttUs > 0 && p.NetRttUs <= p.RttUs, $"#{p.Seq}: rtt={p.RttUs} net={p.NetRttUs}"));
        var details = run.Path!.Details!;
        Assert.Equal((path, "1.1.2", "reliable-ordered"), (details["janus_path"], details["server_version"], run.Path.Reliability));
        Assert.Contains($"{janus.ServerAddress}", run.Path.CandidatePair, StringComparison.Ordinal);
        Assert.Contains("not relayed", details["lossy"], StringComparison.Ordinal);

        // The runner left and closed the room: the echo left, the Janus room was destroyed, no session is left.
        long room = long.Parse(details["janus_room"], CultureInfo.InvariantCulture);
        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30), path == "sfu" ? JanusPlugins.VideoRoom : JanusPlugins.TextRoom, room);
    }

    [Fact]
    public async Task RtcbenchRun_RoomCreationRefused_ExitsWithTheAdminKeyReasonAndLeavesNothing()
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.Http, adminKey: "not-the-admin-key");
        var (exit, _, stderr) = await deployment.RunAsync("--count", "10", "--interval", "10ms", "--warmup", "0").WaitAsync(Guard);

        Assert.Equal(4, exit); // The agent refused /connect (502: a platform could not set the room up).
        Assert.Contains("admin_key", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-admin-key", stderr, StringComparison.Ordinal);
        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RtcbenchRun_JanusDownAtConnect_ExitsSayingJanusWasNotReached()
    {
        await using var janus = await JanusServer.StartAsync();
        await janus.KillAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.WebSocket);
        var (exit, _, stderr) = await deployment.RunAsync("--count", "10", "--interval", "10ms", "--warmup", "0").WaitAsync(Guard);

        Assert.Equal(4, exit);
        Assert.Contains("not reached", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchmarkRunner_JanusKilledMidRun_RunEndsWithTheReasonNotAHang()
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.WebSocket);
        var observer = new KillJanusMidRun(janus, afterAnswered: 100);
        var report = await new BenchmarkRunner(MonoTime.System, observer).RunAsync(new BenchmarkOptions
        {
            AgentUrl = deployment.Agent.BaseUrl,
            Platforms = ["janus"],
            JanusPath = "sfu",
            Config = new RunConfig { Count = 3000, Warmup = 5, Interval = TimeSpan.FromMilliseconds(2), Deadline = TimeSpan.FromSeconds(2) },
        }, CancellationToken.None, CancellationToken.None).WaitAsync(Guard);

        Assert.True(observer.Killed.IsCompleted, "Janus was never killed: the run did not reach 100 answers");
        var run = Assert.Single(report.Results);
        Assert.Equal(("failed", RunOutcome.EchoLostReason), (run.Outcome.Status, run.Outcome.Reason));
        Assert.Contains("Janus", run.Outcome.Detail, StringComparison.Ordinal); // the path through Janus is what went
        Assert.InRange(run.Stats.Ok, 1, 2999);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task RtcbenchRun_EchoPath_1000PingsPerChannelReflectedNoNetRttAndTheServiceAcceptsIt(JanusTransportKind transport)
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, transport);
        var (exit, stdout, stderr) = await deployment.RunAsync("--janus-path", "echo", "--count", Pings.ToString(CultureInfo.InvariantCulture),
            "--interval", "2ms", "--warmup", "10").WaitAsync(Guard);

        Assert.True(exit == 0, janus.Explain($"exit {exit}: {stderr}"));
        var runs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["lossy", "reliable"], runs.Select(r => r.Channel).Order(StringComparer.Ordinal));
        foreach (var run in runs)
        {
            Assert.True(run.Outcome.Status == "ok", janus.Explain($"{run.Channel}: {run.Outcome.Status} {run.Outcome.Reason}"));
            // A lossy channel may lose on a real network; here (a veth, no load shaping) nothing is lost either.
            Assert.True(run.Stats.Sent == Pings && run.Stats.Ok == Pings && run.Stats.Lost == 0, $"{run.Channel}: sent {run.Stats.Sent} ok {run.Stats.Ok} lost {run.Stats.Lost}");
            Assert.All(run.Pings.Where(p => p.Status != "warmup"), p => Assert.True(p.RttUs > 0 && p.NetRttUs is null, $"#{p.Seq}: rtt={p.RttUs} net={p.NetRttUs}"));
            Assert.Null(run.Stats.NetRtt); // no echo timestamps: no net RTT and no clock estimate, rather than a made-up one
            Assert.Null(run.Stats.Clock);
            Assert.NotNull(run.Stats.Rtt);
            Assert.Equal(PathInfo.ReflectorEcho, run.Path!.Echo);
            Assert.Equal(("echo", "webrtc-datachannel via janus echotest"), (run.Path.Details!["janus_path"], run.Path.Transport));
            Assert.Equal(run.Channel == "lossy" ? "unordered-maxRetransmits-0" : "reliable-ordered", run.Path.Reliability);
            // The results service takes the document as it is, and refuses it when it claims a net RTT it cannot have.
            Assert.Null(RunDocumentValidator.Validate(run, DateTimeOffset.UtcNow));
            var forged = run with { Path = run.Path with { Echo = null } };
            Assert.Contains("net_rtt", RunDocumentValidator.Validate(forged, DateTimeOffset.UtcNow), StringComparison.Ordinal);
        }

        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("sfu", "echotest,textroom", "janus.plugin.videoroom")]
    [InlineData("textroom", "echotest,videoroom", "janus.plugin.textroom")]
    [InlineData("echo", "textroom,videoroom", "janus.plugin.echotest")]
    public async Task RtcbenchRun_PluginMissing_Exit4NamingThePluginAndHealthSaysSo(string path, string loaded, string missing)
    {
        await using var janus = await JanusServer.StartAsync(new JanusServerOptions { Plugins = loaded.Split(',') });
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.Http);
        var (exit, _, stderr) = await deployment.RunAsync("--janus-path", path, "--count", "10", "--interval", "10ms", "--warmup", "0").WaitAsync(Guard);

        Assert.Equal(4, exit); // The agent refused /connect: the room could not be set up.
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
        var health = await deployment.HealthAsync();
        var janusHealth = health.GetProperty("janus");
        Assert.Equal((0, 0L, 1L), (janusHealth.GetProperty("rooms_open").GetInt32(), janusHealth.GetProperty("rooms_created").GetInt64(), janusHealth.GetProperty("setup_failures").GetInt64()));
        Assert.Contains(missing, janusHealth.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(janus.Secrets.AdminSecret, health.GetRawText(), StringComparison.Ordinal);
        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RtcbenchRun_JanusKilledMidRun_Exit6WithTheMeasuredPingsKeptAndTheReason()
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.WebSocket);
        var running = deployment.RunAsync("--count", "5000", "--interval", "2ms", "--warmup", "5", "--deadline", "2s");
        // Kill Janus once the agent's echo has answered 145 measured pings (the agent's own count, read from GET /rooms,
        // which includes the 5 warm-up pings: the runner's ok count never does). The echo counts a pong as it hands it
        // to Janus, so the last few can still be inside Janus when it dies: at least 100 of them reach the runner.
        while (await deployment.EchoedAsync() < 145 + 5)
        {
            if (running.IsCompleted)
            {
                Assert.Fail("the run ended before 145 pings were echoed: " + (await running).Stderr);
            }

            await Task.Delay(20); // Polling interval of the agent's counter, not a synchronisation sleep.
        }

        await janus.KillAsync();
        var (exit, stdout, stderr) = await running.WaitAsync(Guard);
        Assert.True(exit == 6, $"exit {exit}: {stderr}");
        var run = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize));
        Assert.Equal(("failed", RunOutcome.EchoLostReason), (run.Outcome.Status, run.Outcome.Reason));
        Assert.Contains("Janus", run.Outcome.Detail, StringComparison.Ordinal);
        Assert.InRange(run.Stats.Ok, 100, 4999);
        Assert.Equal(0, run.Stats.Lost); // A reliable channel cannot lose a ping: the unanswered ones are abandoned.
        Assert.Null(RunDocumentValidator.Validate(run, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Quickstart_JanusUrlSet_MeasuresJanusBesideTheLocalPlatforms()
    {
        await using var janus = await JanusServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["JANUS_URL"] = janus.WebSocketUrl.AbsoluteUri,
            ["JANUS_ADMIN_KEY"] = janus.Secrets.VideoRoomAdminKey,
            ["JANUS_TEXTROOM_ADMIN_KEY"] = janus.Secrets.TextRoomAdminKey,
        };
        var (exit, stdout, stderr) = await JanusDeployment.RunCliAsync(name => environment.GetValueOrDefault(name),
            "quickstart", "--count", "50", "--interval", "5ms", "--warmup", "5", "--no-store", "--json").WaitAsync(Guard);

        Assert.True(exit == 0, janus.Explain($"exit {exit}: {stderr}"));
        Assert.Contains("janus: measuring too", stderr, StringComparison.Ordinal);
        var runs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        var run = Assert.Single(runs, r => r.Platform == "janus");
        Assert.Equal(("ok", 50, "sfu"), (run.Outcome.Status, run.Stats.Ok, run.Path!.Details!["janus_path"]));
        Assert.Contains(runs, r => r.Platform == "udp");
        Assert.Contains(runs, r => r.Platform == "direct");
    }

    [Fact]
    public async Task Quickstart_JanusUrlSetButJanusDown_SaysSoAndMeasuresTheLocalPlatforms()
    {
        await using var janus = await JanusServer.StartAsync();
        await janus.KillAsync();
        var (exit, stdout, stderr) = await JanusDeployment.RunCliAsync(name => name == "JANUS_URL" ? janus.HttpUrl.AbsoluteUri : null,
            "quickstart", "--count", "20", "--interval", "5ms", "--warmup", "0", "--no-store", "--json").WaitAsync(Guard);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("janus: not measured: JANUS_URL is set but Janus is not usable", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize), r => r.Platform == "janus");
    }

    /// <summary>Kills Janus once a run has <c>afterAnswered</c> answers.</summary>
    private sealed class KillJanusMidRun(JanusServer janus, int afterAnswered) : IBenchmarkObserver
    {
        private readonly TaskCompletionSource _killed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Killed => _killed.Task;

        public void OnStep(string message)
        {
        }

        public void OnRunStarted(string platform, string channel, int totalPings)
        {
        }

        public void OnProgress(int sent, int answered, int totalPings)
        {
            if (answered >= afterAnswered && _killed.TrySetResult())
            {
                _ = janus.KillAsync();
            }
        }

        public void OnRunFinished(RunResult result)
        {
        }
    }
}

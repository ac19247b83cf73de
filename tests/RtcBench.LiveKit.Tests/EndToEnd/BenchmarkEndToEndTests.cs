using System.Net.Http.Json;
using System.Text.Json;
using RtcBench.Cli;
using RtcBench.Core.Measurement;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.LiveKit.Protocol;
using RtcBench.Runner;

namespace RtcBench.LiveKit.Tests.EndToEnd;

/// <summary>
/// A full benchmark on the <c>livekit</c> platform, offline: the real agent (in-process, loopback) creates the room
/// and its echo on the stand-in LiveKit server, and the real runner (`rtcbench run` in-process, or BenchmarkRunner)
/// joins with the agent's credentials and measures both channels runner → SFU → echo → SFU → runner.
/// </summary>
public sealed class BenchmarkEndToEndTests
{
    [Fact]
    public async Task RtcbenchRun_LiveKitBothChannels500Pings_NoneLostPathRecordedEchoLeftRoomDeleted()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();

        var result = await RunCliAsync("run", "--agent", deployment.Agent.BaseUrl.ToString(), "--platform", "livekit", "--channel", "both",
            "--count", "500", "--interval", "2ms", "--warmup", "10", "--no-store", "--json", "--quiet").WaitAsync(guard.Token);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
        Assert.Equal(["reliable", "lossy"], runs.Select(r => r.Channel));
        foreach (var run in runs)
        {
            Assert.True(run.Outcome.Status == "ok", $"{run.Channel}: {run.Outcome.Status} {run.Outcome.Reason}");
            Assert.Equal("livekit", run.Platform);
            Assert.Equal("webrtc-datachannel", run.TransportMode);
            Assert.Equal(500, run.Stats.Sent);
            Assert.True(run.Stats.Ok == 500 && run.Stats.Lost == 0, $"{run.Channel}: ok={run.Stats.Ok} lost={run.Stats.Lost}");
            var measured = run.Pings.Where(p => p.Status != "warmup").ToList();
            Assert.Equal(500, measured.Select(p => p.Seq).Distinct().Count());
            Assert.All(measured, p => Assert.True(p.RttUs > 0 && p.NetRttUs > 0 && p.NetRttUs <= p.RttUs, $"{run.Channel} #{p.Seq}: rtt={p.RttUs} net={p.NetRttUs}"));
            var path = run.Path!;
            Assert.Equal("standin-local", path.ServerRegion);
            Assert.Equal("ND_standin1", path.Details!["server_node"]);
            Assert.Contains("127.0.0.1", path.CandidatePair, StringComparison.Ordinal);
            Assert.StartsWith("rtcbench-echo-", path.Details["echo_identity"], StringComparison.Ordinal);
            Assert.StartsWith("rtcbench-runner-", path.Details["identity"], StringComparison.Ordinal);
        }

        Assert.Equal("reliable-ordered", runs[0].Path!.Reliability);
        Assert.Equal("unordered-maxRetransmits-0", runs[1].Path!.Reliability);

        // The runner left and closed the room: the echo left and the LiveKit room was deleted.
        string room = await deployment.FirstDeletion.WaitAsync(guard.Token);
        Assert.StartsWith("rtcbench-", room, StringComparison.Ordinal);
        Assert.Empty(deployment.Rooms.List());
        var echo = deployment.Server.Room(room).Sessions;
        Assert.Empty(echo);
        var agentRooms = await deployment.Http.GetFromJsonAsync<JsonElement>("rooms", guard.Token);
        Assert.Equal(0, agentRooms.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task BenchmarkRunner_SignallingDroppedMidRun_RunEndsWithARecordedOutcome()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();
        var observer = new DropSignallingMidRun(deployment, afterAnswered: 100);

        var report = await new BenchmarkRunner(MonoTime.System, observer).RunAsync(new BenchmarkOptions
        {
            AgentUrl = deployment.Agent.BaseUrl,
            Platforms = ["livekit"],
            Config = new RunConfig { Count = 3000, Warmup = 5, Interval = TimeSpan.FromMilliseconds(2), Deadline = TimeSpan.FromSeconds(2) },
        }, CancellationToken.None, CancellationToken.None).WaitAsync(guard.Token);

        Assert.True(observer.Dropped.IsCompleted, "the signalling was never dropped: the run did not reach 100 answers");
        var reliable = Assert.Single(report.Results, r => r.Channel == "reliable");
        // Our session to the SFU ended: the echo is out of reach, so the run ends as echo-lost, never as loss.
        Assert.Equal(("failed", "echo-lost"), (reliable.Outcome.Status, reliable.Outcome.Reason));
        Assert.Contains("SignallingLost", reliable.Outcome.Detail, StringComparison.Ordinal);
        Assert.InRange(reliable.Stats.Ok, 1, 2999); // Measured pings answered before the drop (the observer's count includes warm-up).
        Assert.Equal(0, reliable.Stats.Lost);

        // The lossy channel shares the ended session: reported as not measured, never a hang.
        var lossy = Assert.Single(report.Failures, f => f.Platform == "livekit");
        Assert.Equal(RunnerFailure.EchoLost, lossy.Kind);
        Assert.DoesNotContain(report.Results, r => r.Channel == "lossy");

        // The runner closed the room: the echo left and the LiveKit room was deleted.
        await deployment.FirstDeletion.WaitAsync(guard.Token);
        Assert.Empty(deployment.Rooms.List());
    }

    [Fact]
    public async Task BenchmarkRunner_EchoParticipantLeavesMidRun_EchoLostNothingCountedLost()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();
        var observer = new EchoLeavesMidRun(deployment, afterAnswered: 100);

        var report = await new BenchmarkRunner(MonoTime.System, observer).RunAsync(new BenchmarkOptions
        {
            AgentUrl = deployment.Agent.BaseUrl,
            Platforms = ["livekit"],
            Config = new RunConfig { Count = 3000, Warmup = 5, Interval = TimeSpan.FromMilliseconds(2), Deadline = TimeSpan.FromSeconds(2) },
        }, CancellationToken.None, CancellationToken.None).WaitAsync(guard.Token);

        var leftAt = await observer.Left.WaitAsync(guard.Token);
        var reliable = Assert.Single(report.Results, r => r.Channel == "reliable");
        Assert.Equal(("failed", "echo-lost"), (reliable.Outcome.Status, reliable.Outcome.Reason));
        // (The run's times are its monotonic clock placed by one wall anchor; allow the wall clock 5 ms of slew.)
        Assert.True(reliable.Outcome.NoticedAt >= leftAt - TimeSpan.FromMilliseconds(5),
            $"noticed {reliable.Outcome.NoticedAt:O}, the echo was told to leave at {leftAt:O}");
        // The SFU tells the runner the echo left (ParticipantUpdate DISCONNECTED); LiveKit may delete the room right after.
        Assert.Matches("^(the echo participant 'rtcbench-echo-[0-9a-f]{32}' left the LiveKit room|the LiveKit server ended our session)",
            reliable.Outcome.Detail);

        // Reliable channel: nothing lost; everything unanswered is abandoned; statistics from the pings before only.
        Assert.Equal(0, reliable.Stats.Lost);
        Assert.True(reliable.Stats.Abandoned > 0 && reliable.Stats.NotSent > 0, $"abandoned {reliable.Stats.Abandoned}, not sent {reliable.Stats.NotSent}");
        Assert.Equal(reliable.Stats.Ok + reliable.Stats.Late, reliable.Stats.Sent);
        Assert.Equal(reliable.Stats.Ok, reliable.Histogram.Count);
        Assert.DoesNotContain(reliable.Pings, p => p.Status == "lost");
        Assert.All(reliable.Pings.Where(p => p.Status == "abandoned"), p => Assert.Null(p.RttUs));

        // The lossy channel needs the same echo: reported as not measured.
        var lossy = Assert.Single(report.Failures, f => f.Platform == "livekit");
        Assert.Equal(RunnerFailure.EchoLost, lossy.Kind);
        Assert.Contains("lossy channel not measured", lossy.Message, StringComparison.Ordinal);
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var interrupts = new Interrupts();
        var ctx = new CliContext
        {
            Out = stdout,
            Error = TextWriter.Synchronized(stderr),
            Interrupts = interrupts,
            GetEnvironment = _ => null,
        };
        int exit = await CliApp.RunAsync(args, ctx);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// The stand-in server sends the echo participant a LeaveRequest (as LiveKit does when it removes a participant)
    /// once a run has <c>afterAnswered</c> answers; <see cref="Left"/> gives the time it was told to leave.
    /// </summary>
    private sealed class EchoLeavesMidRun(StandInDeployment deployment, int afterAnswered) : IBenchmarkObserver
    {
        private readonly TaskCompletionSource<DateTimeOffset> _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public Task<DateTimeOffset> Left => _left.Task;

        public void OnStep(string message)
        {
        }

        public void OnRunStarted(string platform, string channel, int totalPings)
        {
        }

        public void OnProgress(int sent, int answered, int totalPings)
        {
            if (answered >= afterAnswered && Interlocked.Exchange(ref _started, 1) == 0)
            {
                string room = Assert.Single(deployment.Rooms.List()).Name;
                var at = DateTimeOffset.UtcNow;
                _ = LeaveAsync(room, at);
            }
        }

        private async Task LeaveAsync(string room, DateTimeOffset at)
        {
            try
            {
                await deployment.Server.SendLeaveAsync(room, "rtcbench-echo-" + room["rtcbench-".Length..], DisconnectReason.ParticipantRemoved);
                _left.TrySetResult(at);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.WebSockets.WebSocketException)
            {
                _left.TrySetException(ex);
            }
        }

        public void OnRunFinished(RunResult result)
        {
        }
    }

    /// <summary>Drops the runner's signalling WebSocket (no close frame) once a run has <c>afterAnswered</c> answers.</summary>
    private sealed class DropSignallingMidRun(StandInDeployment deployment, int afterAnswered) : IBenchmarkObserver
    {
        private readonly TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Dropped => _dropped.Task;

        public void OnStep(string message)
        {
        }

        public void OnRunStarted(string platform, string channel, int totalPings)
        {
        }

        public void OnProgress(int sent, int answered, int totalPings)
        {
            if (answered >= afterAnswered && !_dropped.Task.IsCompleted)
            {
                string room = Assert.Single(deployment.Rooms.List()).Name;
                deployment.Server.DropWebSocket(room, "rtcbench-runner-" + room["rtcbench-".Length..]);
                _dropped.TrySetResult();
            }
        }

        public void OnRunFinished(RunResult result)
        {
        }
    }
}

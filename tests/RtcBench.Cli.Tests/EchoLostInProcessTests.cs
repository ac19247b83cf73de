using System.Net.Http.Json;
using System.Text.Json;
using RtcBench.Agent.Platforms.Udp;

namespace RtcBench.Cli.Tests;

/// <summary>
/// The echo going away while the agent lives (its room closed under the run), and the opposite: a silent path to an
/// agent that is alive and still has the room, which is network loss and must stay loss. Real agent (in-process,
/// loopback) and real `rtcbench run`.
/// </summary>
public sealed class EchoLostInProcessTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_UdpPathSilentFor400PingsAgentAlive_SilenceIsLossAndTheRunCompletes()
    {
        // The agent holds back every pong of seq 300..699 for an hour: to the runner, 2 s of a black-holed path.
        await using var agent = await CliHarness.StartAgentAsync(o => o.Faults = new EchoFaults
        {
            Delay = seq => seq is >= 300 and < 700,
            DelayBy = TimeSpan.FromHours(1),
        });

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp",
            "--count", "1000", "--interval", "5ms", "--warmup", "10", "--deadline", "1s", "--no-store", "--json")
            .WaitAsync(Guard);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var run = EchoLostAssert.SingleRun(result);
        Assert.Equal("ok", run.Outcome.Status);
        Assert.Null(run.Outcome.Reason);
        Assert.Equal(Enumerable.Range(300, 400).Select(s => (long)s), run.Pings.Where(p => p.Status == "lost").Select(p => p.Seq));
        Assert.Equal(400, run.Stats.Lost);
        Assert.Equal(0, run.Stats.Abandoned);
        Assert.Equal(0, run.Stats.NotSent);
        // The runner did ask the agent, and kept measuring because the agent still had the room.
        Assert.Matches(@"udp/lossy: no pong for \d+\.\d s, but the agent answers and still has the room: counting the silence as loss",
            result.Stderr);
        Assert.DoesNotContain("echo lost", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UdpRoomClosedOnTheAgentMidRun_EchoLostBecauseTheAgentNoLongerHasTheRoom()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var (result, closingAt, closedAt, roomId) = await RunAndCloseRoomAsync(agent.BaseUrl, "udp/lossy", "--platform", "udp");

        var run = EchoLostAssert.EchoLost(result, closingAt, closedAt, reliable: false);
        Assert.Matches($@"^no pong for \d+\.\d s and the agent no longer has room {roomId} \(GET /rooms\)$", run.Outcome.Detail);
    }

    [Fact]
    public async Task Run_DirectRoomClosedOnTheAgentMidRun_TheAgentsSctpAbortEndsTheRun()
    {
        await using var agent = await CliHarness.StartAgentAsync();

        var (result, closingAt, closedAt, _) = await RunAndCloseRoomAsync(agent.BaseUrl, "direct/reliable",
            "--platform", "direct", "--channel", "reliable");

        var run = EchoLostAssert.EchoLost(result, closingAt, closedAt, reliable: true, silenceNoticed: false);
        Assert.StartsWith("the agent closed the WebRTC connection: the peer aborted SCTP", run.Outcome.Detail, StringComparison.Ordinal);
    }

    private async Task<(CliResult Result, DateTimeOffset ClosingAt, DateTimeOffset ClosedAt, string RoomId)> RunAndCloseRoomAsync(
        Uri agentUrl, string marker, params string[] platformArgs)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cli.OnStderrLine = line =>
        {
            if (LineTapWriter.IsProgressAtLeast(line, marker, 30))
            {
                reached.TrySetResult();
            }
        };
        var running = _cli.RunAsync(["run", "--agent", agentUrl.ToString(), .. platformArgs,
            "--count", "2000", "--interval", "5ms", "--warmup", "10", "--no-store", "--json"]);
        await Task.WhenAny(reached.Task, running).WaitAsync(Guard);
        Assert.True(reached.Task.IsCompleted, $"the run ended before '{marker}' reached 30%");

        using var http = new HttpClient { BaseAddress = agentUrl };
        var rooms = await http.GetFromJsonAsync<JsonElement>("rooms");
        string roomId = rooms.GetProperty("rooms").EnumerateArray().Single().GetProperty("room_id").GetString()!;
        var closingAt = DateTimeOffset.UtcNow;
        using (var closed = await http.PostAsJsonAsync("disconnect", new { room_id = roomId }))
        {
            Assert.True(closed.IsSuccessStatusCode, $"/disconnect: {(int)closed.StatusCode}");
        }
        var closedAt = DateTimeOffset.UtcNow;
        return (await running.WaitAsync(Guard), closingAt, closedAt, roomId);
    }
}

using System.Globalization;
using RtcBench.Core.Results;
using RtcBench.Storage;

namespace RtcBench.Cli.Tests;

/// <summary>
/// Issue 13 item 1, end to end: a real agent process (`rtcbench agent`) ended by a signal in the middle of a real
/// `rtcbench run`. Before the fix the runner exited 0 with outcome ok and counted every ping after the kill as lost
/// (on the reliable direct channel too, which cannot lose). Now: exit 6, outcome failed/echo-lost with the time it
/// was noticed, no ping after the kill counted lost, the pings before kept (printed, stored, written to --output)
/// with their statistics. The kill happens when the runner prints its 30% progress line: no sleeps.
/// </summary>
public sealed class AgentKilledEndToEndTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_UdpAgentKilledMidRun_EchoLostExit6NothingAfterTheKillLost()
    {
        await using var agent = await AgentProcess.StartAsync();

        var (result, killedAt, exitedAt) = await RunAndEndAgentAsync(agent, "udp/lossy", a => a.KillAsync(), "--platform", "udp");

        var run = EchoLostAssert.EchoLost(result, killedAt, exitedAt, reliable: false);
        Assert.Matches(@"^no pong for \d+\.\d s and GET /health failed: .*refused", run.Outcome.Detail);
        await AssertKeptAsync(run);

        // Read back later, the table says what happened and the line under it gives the evidence.
        var shown = await _cli.RunAsync("results", "show", run.RunId, "--store", _cli.StoreSpec);
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Contains("failed (echo-lost)", shown.Stdout, StringComparison.Ordinal);
        string at = run.Outcome.NoticedAt!.Value.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        Assert.Contains($"udp/lossy: echo lost at {at} UTC ({run.Outcome.Detail})", shown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DirectReliableAgentKilledMidRun_EchoLostExit6NoPingLost()
    {
        await using var agent = await AgentProcess.StartAsync();

        var (result, killedAt, exitedAt) = await RunAndEndAgentAsync(agent, "direct/reliable", a => a.KillAsync(),
            "--platform", "direct", "--channel", "reliable");

        var run = EchoLostAssert.EchoLost(result, killedAt, exitedAt, reliable: true);
        Assert.Equal("reliable", run.Channel);
        // SIGKILL: no SCTP ABORT, no close_notify; the silence and the refused agent tell.
        Assert.Matches(@"^no pong for \d+\.\d s and GET /health failed: .*refused", run.Outcome.Detail);
        await AssertKeptAsync(run);
    }

    [Fact]
    public async Task Run_DirectLossyAgentKilledMidRun_EchoLostExit6NothingAfterTheKillLost()
    {
        await using var agent = await AgentProcess.StartAsync();

        var (result, killedAt, exitedAt) = await RunAndEndAgentAsync(agent, "direct/lossy", a => a.KillAsync(),
            "--platform", "direct", "--channel", "lossy");

        var run = EchoLostAssert.EchoLost(result, killedAt, exitedAt, reliable: false);
        Assert.Equal("lossy", run.Channel);
        Assert.Matches(@"^no pong for \d+\.\d s and GET /health failed: .*refused", run.Outcome.Detail);
        await AssertKeptAsync(run);
    }

    [Fact]
    public async Task Run_DirectBothChannelsAgentTerminatedDuringReliable_SctpAbortEndsItAndLossyIsNotMeasured()
    {
        await using var agent = await AgentProcess.StartAsync();

        var (result, signalledAt, exitedAt) = await RunAndEndAgentAsync(agent, "direct/reliable", a => a.TerminateAsync(),
            "--platform", "direct", "--channel", "both");

        // SIGTERM: the agent echoes until it closes its rooms, and the runner hears it from the connection.
        var run = EchoLostAssert.EchoLost(result, signalledAt, exitedAt, reliable: true, silenceNoticed: false);
        Assert.StartsWith("the agent closed the WebRTC connection: ", run.Outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("lossy channel not measured: the echo was lost during the reliable run", result.Stderr, StringComparison.Ordinal);
        await AssertKeptAsync(run);
    }

    /// <summary>Runs `rtcbench run` against the agent and ends the agent when the progress of <paramref name="marker"/> (e.g. udp/lossy) reaches 30%.</summary>
    /// <returns>The run, when the signal was sent, and when the agent had exited.</returns>
    private async Task<(CliResult Result, DateTimeOffset SignalledAt, DateTimeOffset ExitedAt)> RunAndEndAgentAsync(
        AgentProcess agent, string marker, Func<AgentProcess, Task> end, params string[] platformArgs)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cli.OnStderrLine = line =>
        {
            if (LineTapWriter.IsProgressAtLeast(line, marker, 30))
            {
                reached.TrySetResult();
            }
        };
        string[] args =
        [
            "run", "--agent", agent.BaseUrl.ToString(), .. platformArgs,
            "--count", "2000", "--interval", "5ms", "--warmup", "10",
            "--store", _cli.StoreSpec, "--output", Path.Combine(_cli.TempDir, "run.json"), "--json",
        ];
        var running = _cli.RunAsync(args);
        await Task.WhenAny(reached.Task, running).WaitAsync(Guard);
        Assert.True(reached.Task.IsCompleted,
            $"the run ended before '{marker}' reached 30%:\n{(running.IsCompletedSuccessfully ? running.Result.Stderr : running.Exception?.ToString())}\nagent:\n{agent.Stderr}");
        var signalledAt = DateTimeOffset.UtcNow;
        await end(agent);
        var exitedAt = DateTimeOffset.UtcNow;
        return (await running.WaitAsync(Guard), signalledAt, exitedAt);
    }

    /// <summary>The run as printed is also what was stored and written to --output.</summary>
    private async Task AssertKeptAsync(RunResult run)
    {
        await using var store = ResultStoreFactory.Open(_cli.StoreSpec);
        var stored = await store.GetRunAsync(run.RunId, includePings: true, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(run.Outcome, stored!.Outcome);
        Assert.Equal(run.Stats, stored.Stats);
        Assert.Equal(run.Pings, stored.Pings);

        var written = ResultJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(_cli.TempDir, "run.json")));
        Assert.Equal(run.Outcome, written.Outcome);
        Assert.Equal(run.Stats, written.Stats);
        Assert.Equal(run.Pings, written.Pings);
    }
}

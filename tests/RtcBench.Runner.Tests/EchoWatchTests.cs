using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Udp;

namespace RtcBench.Runner.Tests;

/// <summary>
/// The echo watch beside a real driver over real loopback UDP: a silence confirmed by the agent check ends the run,
/// a silence the agent check explains away stays loss, and a channel's own signal ends it without a silence. The
/// agent check is a delegate here (the real one, against a real agent, is covered by the CLI end-to-end tests).
/// </summary>
public sealed class EchoWatchTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private static readonly MonoTime Clock = MonoTime.System;

    private static RunConfig Config(int count) => new()
    {
        Count = count,
        Warmup = 5,
        Interval = TimeSpan.FromMilliseconds(5),
        Deadline = TimeSpan.FromSeconds(1),
        PayloadBytes = 32,
    };

    [Fact]
    public void SilenceFor_ThreeIntervalsAtLeastOneSecondAndTwiceTheLongestRttUpToTheDeadline()
    {
        const long Ms = 1_000_000;
        var config = new RunConfig { Interval = TimeSpan.FromMilliseconds(100), Deadline = TimeSpan.FromSeconds(5) };
        Assert.Equal(TimeSpan.FromSeconds(1), EchoWatch.SilenceFor(config));
        Assert.Equal(TimeSpan.FromSeconds(1), EchoWatch.SilenceFor(config, maxRttNs: 400 * Ms));
        Assert.Equal(TimeSpan.FromSeconds(1.5), EchoWatch.SilenceFor(config, maxRttNs: 750 * Ms));
        Assert.Equal(TimeSpan.FromSeconds(5), EchoWatch.SilenceFor(config, maxRttNs: 4000 * Ms));
        Assert.Equal(TimeSpan.FromSeconds(3), EchoWatch.SilenceFor(config with { Interval = TimeSpan.FromSeconds(1) }));
    }

    [Fact]
    public async Task Watch_EchoFallsSilentAndTheAgentIsGone_EndsWithEvidenceAndNoPingLost()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, Clock);
        var session = new PingSession(RunId.New(), Config(100_000), Clock.NowNs() + 1_000_000);
        int checks = 0;
        var watch = new EchoWatch(session, channel, _ =>
        {
            Interlocked.Increment(ref checks);
            return Task.FromResult(new EchoHostCheck(EchoHostState.Gone, "GET /health failed: Connection refused (test)"));
        }, Clock, note: null);
        using var endRun = new CancellationTokenSource();
        using var stopWatch = new CancellationTokenSource();
        var driving = new PingDriver(session, channel, Clock).RunAsync(
            (_, answered) => echo.Silent |= answered >= 50, CancellationToken.None, endRun.Token);

        var loss = await watch.WatchAsync(stopWatch.Token).WaitAsync(Guard);
        await endRun.CancelAsync();
        await driving.WaitAsync(Guard);
        long silentSince = session.SilentSinceNs;
        session.FinishEchoLost(reliableChannel: false);

        Assert.NotNull(loss);
        Assert.Equal(1, checks);
        Assert.True(loss!.Definitive);
        Assert.Matches(@"^no pong for \d+\.\d s and GET /health failed: Connection refused \(test\)$", loss.Detail);
        Assert.True(loss.NoticedNs - silentSince >= TimeSpan.FromSeconds(1).Ticks * 100, "noticed before a full silence period");
        var records = session.Records.ToArray();
        Assert.DoesNotContain(records, r => r.Status == PingStatus.Lost);
        int lastOk = Array.FindLastIndex(records, r => r.Answered);
        Assert.True(lastOk >= 49);
        Assert.All(records.Skip(lastOk + 1), r => Assert.True(
            r.Status is PingStatus.Abandoned or PingStatus.NotSent, $"seq {r.Seq}: {r.Status}"));
        Assert.Contains(records, r => r.Status == PingStatus.Abandoned);
    }

    [Fact]
    public async Task Watch_SilentPathButTheAgentHasTheRoom_KeepsMeasuringAndTheSilenceIsLoss()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, Clock);
        // 1,000 pings every 5 ms: the echo falls silent after 100 answers and speaks again when the agent is asked.
        var session = new PingSession(RunId.New(), Config(1000), Clock.NowNs() + 1_000_000);
        var notes = new List<string>();
        var watch = new EchoWatch(session, channel, _ =>
        {
            echo.Silent = false;
            return Task.FromResult(new EchoHostCheck(EchoHostState.Present, "the agent answers and still has the room"));
        }, Clock, note: n =>
        {
            lock (notes)
            {
                notes.Add(n);
            }
        });
        using var stopWatch = new CancellationTokenSource();
        bool silenced = false;
        var driving = new PingDriver(session, channel, Clock).RunAsync(
            (_, answered) =>
            {
                if (!silenced && answered >= 100)
                {
                    silenced = true;
                    echo.Silent = true;
                }
            },
            CancellationToken.None, CancellationToken.None);
        var watching = watch.WatchAsync(stopWatch.Token);

        var first = await Task.WhenAny(driving, watching).WaitAsync(Guard);
        await stopWatch.CancelAsync();
        Assert.Same(driving, first);
        Assert.Null(await watching.WaitAsync(Guard));
        session.Finish();

        var records = session.Records.ToArray();
        int lost = records.Count(r => r.Status == PingStatus.Lost);
        Assert.True(lost > 0, "the silence was not recorded as loss");
        Assert.DoesNotContain(records, r => r.Status is PingStatus.Abandoned or PingStatus.NotSent);
        Assert.Equal(PingStatus.Ok, records[^1].Status);
        string note = Assert.Single(notes);
        Assert.Matches(@"^no pong for \d+\.\d s, but the agent answers and still has the room: counting the silence as loss$", note);
    }

    [Fact]
    public async Task Watch_AgentCheckTimesOut_SilenceStaysLossAndTheNoteSaysWhy()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, Clock);
        var session = new PingSession(RunId.New(), Config(1000), Clock.NowNs() + 1_000_000);
        var noted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = new EchoWatch(session, channel, _ =>
            Task.FromResult(new EchoHostCheck(EchoHostState.Unknown, "GET /health did not answer within 3 s")), Clock, note: n => noted.TrySetResult(n));
        using var stopWatch = new CancellationTokenSource();
        using var endRun = new CancellationTokenSource();
        var driving = new PingDriver(session, channel, Clock).RunAsync(
            (_, answered) => echo.Silent |= answered >= 20, CancellationToken.None, endRun.Token);
        var watching = watch.WatchAsync(stopWatch.Token);

        string note = await noted.Task.WaitAsync(Guard);
        Assert.False(watching.IsCompleted);
        await endRun.CancelAsync();
        await stopWatch.CancelAsync();
        await driving.WaitAsync(Guard);
        Assert.Null(await watching.WaitAsync(Guard));
        Assert.Contains("did not answer within 3 s: a dead agent and a network outage look alike, counting the silence as loss", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_ChannelSaysTheEchoClosed_EndsAtOnceWithoutAskingTheAgent()
    {
        using var echo = new RawUdpEcho();
        await using var udp = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, Clock);
        var channel = new SignallingChannel(udp);
        var session = new PingSession(RunId.New(), Config(100_000), Clock.NowNs() + 1_000_000);
        int checks = 0;
        var watch = new EchoWatch(session, channel, _ =>
        {
            Interlocked.Increment(ref checks);
            return Task.FromResult(new EchoHostCheck(EchoHostState.Present, "the agent answers and still has the room"));
        }, Clock, note: null);
        using var endRun = new CancellationTokenSource();
        var driving = new PingDriver(session, channel, Clock).RunAsync(
            (_, answered) =>
            {
                if (answered >= 30)
                {
                    channel.Signal(new EchoLoss(Clock.NowNs(), "the agent closed the WebRTC connection: test", Definitive: true));
                }
            },
            CancellationToken.None, endRun.Token);

        var loss = await watch.WatchAsync(CancellationToken.None).WaitAsync(Guard);
        await endRun.CancelAsync();
        await driving.WaitAsync(Guard);

        Assert.Equal("the agent closed the WebRTC connection: test", loss!.Detail);
        Assert.Equal(0, checks);
    }

    [Fact]
    public async Task Watch_ChannelSaysOnlyThePathFailed_AddsWhatTheAgentAnswers()
    {
        using var echo = new RawUdpEcho();
        await using var udp = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, Clock);
        var channel = new SignallingChannel(udp);
        var session = new PingSession(RunId.New(), Config(10), Clock.NowNs() + 1_000_000);
        var watch = new EchoWatch(session, channel, _ =>
            Task.FromResult(new EchoHostCheck(EchoHostState.Present, "the agent answers and still has the room")), Clock, note: null);
        var watching = watch.WatchAsync(CancellationToken.None);

        channel.Signal(new EchoLoss(Clock.NowNs(), "ICE consent expired: test", Definitive: false));
        var loss = await watching.WaitAsync(Guard);

        Assert.Equal("ICE consent expired: test; the agent answers and still has the room, so the path to it failed", loss!.Detail);
    }

    [Fact]
    public void RunOutcome_EchoLost_SerialisesReasonDetailAndNoticedAt()
    {
        var outcome = RunOutcome.EchoLost("SCTP ABORT from the agent", new DateTimeOffset(2026, 11, 21, 23, 40, 12, TimeSpan.Zero).AddTicks(5030));
        var json = System.Text.Json.JsonSerializer.Serialize(outcome, ResultJson.Options);
        Assert.Equal("""{"status":"failed","reason":"echo-lost","detail":"SCTP ABORT from the agent","noticed_at":"2026-11-21T23:40:12.000503+00:00"}""", json);
    }

    /// <summary>A real UDP channel with a platform signal the test raises (as direct, livekit and daily raise theirs).</summary>
    private sealed class SignallingChannel(UdpPingChannel inner) : IPingChannel, IEchoLossSignal
    {
        private readonly TaskCompletionSource<EchoLoss> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Channel => inner.Channel;

        public string TransportMode => inner.TransportMode;

        public Task<EchoLoss> EchoLost => _lost.Task;

        public void Signal(EchoLoss loss) => _lost.TrySetResult(loss);

        public PathInfo DescribePath() => inner.DescribePath();

        public void SetSink(IMessageSink? sink) => inner.SetSink(sink);

        public void Send(ReadOnlySpan<byte> message) => inner.Send(message);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

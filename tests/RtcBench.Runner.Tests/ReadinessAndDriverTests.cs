using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Udp;

namespace RtcBench.Runner.Tests;

public sealed class ReadinessAndDriverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WaitReady_EchoAnswers_ReturnsSetupTime()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);

        var ready = await ReadinessProbe.WaitReadyAsync(channel, RunId.New(), 64, MonoTime.System, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.True(ready > TimeSpan.Zero && ready < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitReady_SilentEcho_FailsWithNotReadyAfterTimeout()
    {
        using var echo = new RawUdpEcho { Silent = true };
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);

        var ex = await Assert.ThrowsAsync<RunnerException>(() =>
            ReadinessProbe.WaitReadyAsync(channel, RunId.New(), 64, MonoTime.System, TimeSpan.FromMilliseconds(400), CancellationToken.None));

        Assert.Equal(RunnerFailure.NotReady, ex.Failure);
        Assert.Contains("did not answer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Driver_FullRun_SendsEveryPingOnScheduleAndAllAreAnswered()
    {
        using var echo = new RawUdpEcho();
        var clock = MonoTime.System;
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, clock);
        var config = new RunConfig { Count = 50, Warmup = 5, Interval = TimeSpan.FromMilliseconds(2) };
        var session = new PingSession(RunId.New(), config, clock.NowNs() + 1_000_000);

        await new PingDriver(session, channel, clock).RunAsync(null, CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);
        session.Finish();

        var records = session.Records.ToArray();
        Assert.Equal(55, records.Length);
        Assert.All(records.Take(5), r => Assert.Equal(PingStatus.Warmup, r.Status));
        Assert.All(records.Skip(5), r => Assert.Equal(PingStatus.Ok, r.Status));
        // Open loop: nothing is sent before its scheduled time.
        Assert.All(records, r => Assert.True(r.SentNs >= r.ScheduledNs));
    }

    [Fact]
    public async Task Driver_UdpChannel_ReceivesThePongsOnItsOwnThread_AndHandsReceivingBackDuringProgressReports()
    {
        using var echo = new RawUdpEcho();
        var clock = MonoTime.System;
        await using var udp = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, clock);
        var channel = new SinkThreadChannel(udp);
        var config = new RunConfig { Count = 40, Warmup = 0, Interval = TimeSpan.FromMilliseconds(2) };
        var session = new PingSession(RunId.New(), config, clock.NowNs() + 1_000_000);
        var answeredDuringReport = new List<bool>();

        await new PingDriver(session, channel, clock).RunAsync(
            (sent, answered) =>
            {
                // The driver stops receiving while an observer runs: a pong still in flight is read by the channel's
                // receive thread meanwhile, not left queued until the report is done.
                if (sent > answered && sent < 40)
                {
                    answeredDuringReport.Add(SpinWait.SpinUntil(() => session.AnsweredCount >= sent, Timeout));
                }
            },
            CancellationToken.None,
            CancellationToken.None).WaitAsync(Timeout);
        session.Finish();

        Assert.All(session.Records.ToArray(), r => Assert.Equal(PingStatus.Ok, r.Status));
        Assert.All(answeredDuringReport, Assert.True);
        Assert.Contains("rtcbench-ping-driver", channel.SinkThreads);
        Assert.All(channel.SinkThreads, name => Assert.True(name is "rtcbench-ping-driver" or "rtcbench-udp-receive", name));
        Assert.True(channel.SinkThreads.Count(n => n == "rtcbench-ping-driver") > channel.SinkThreads.Count / 2);
    }

    /// <summary>The udp channel, recording the name of the thread each message reaches the sink on.</summary>
    private sealed class SinkThreadChannel(UdpPingChannel inner) : IPingChannel, IWaitingReceiver, IMessageSink
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string?> _threads = new();
        private IMessageSink? _sink;

        public IReadOnlyList<string?> SinkThreads => [.. _threads];

        public string Channel => inner.Channel;

        public string TransportMode => inner.TransportMode;

        public PathInfo DescribePath() => inner.DescribePath();

        public void SetSink(IMessageSink? sink)
        {
            _sink = sink;
            inner.SetSink(sink is null ? null : this);
        }

        public void Send(ReadOnlySpan<byte> message) => inner.Send(message);

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
        {
            _threads.Enqueue(Thread.CurrentThread.Name);
            _sink?.OnMessage(message, receivedNs);
        }

        public bool BeginReceivingHere() => inner.BeginReceivingHere();

        public void EndReceivingHere() => inner.EndReceivingHere();

        public void ReceiveFor(long ns) => inner.ReceiveFor(ns);

        public void ReceiveQueued() => inner.ReceiveQueued();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Driver_StopSendingMidRun_KeepsAnsweredPingsAndMarksTheRestNotSent()
    {
        using var echo = new RawUdpEcho();
        var clock = MonoTime.System;
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, clock);
        var config = new RunConfig { Count = 10_000, Warmup = 0, Interval = TimeSpan.FromMilliseconds(1) };
        var session = new PingSession(RunId.New(), config, clock.NowNs());
        using var stop = new CancellationTokenSource();
        var run = new PingDriver(session, channel, clock).RunAsync(
            (sent, _) =>
            {
                if (sent >= 20)
                {
                    stop.Cancel();
                }
            },
            stop.Token,
            CancellationToken.None);

        await run.WaitAsync(Timeout);
        session.Finish();

        Assert.True(session.StoppedEarly);
        var records = session.Records.ToArray();
        int sent = records.Count(r => r.Status != PingStatus.NotSent);
        Assert.InRange(sent, 20, 9_999);
        Assert.All(records.Where(r => r.Status != PingStatus.NotSent), r => Assert.Equal(PingStatus.Ok, r.Status));
    }
}

using System.Text.Json;
using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Daily;
using RtcBench.Platforms.Daily.Browser;
using RtcBench.Runner;

namespace RtcBench.Platforms.Tests.Daily;

/// <summary>
/// The Daily browser harness in real headless Chromium (/usr/bin/chromium) with the in-page STAND-IN for daily-js
/// relaying app messages through <see cref="DailyStandInRelay"/>: runner page and echo page complete a benchmark
/// offline; failure paths end with clear errors.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class DailyBrowserTests(ChromiumFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly MonoTime Clock = MonoTime.System;

    [Fact]
    public async Task CallPage_Loaded_ServesPinnedDailyJsLocallyWithNoOtherRequests()
    {
        await using var page = await fixture.Host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout);
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Page.Request += (_, e) => requests.Enqueue(e.Request.Url);

        await page.Page.ReloadAsync().WaitAsync(Timeout);
        string version = await page.DailyJsVersionAsync(CancellationToken.None).WaitAsync(Timeout);
        bool canCreate = await page.Page.EvaluateFunctionAsync<bool>("() => typeof Daily.createCallObject === 'function'").WaitAsync(Timeout);

        Assert.Equal("0.92.2", version);
        Assert.True(canCreate);
        Assert.NotEmpty(requests);
        Assert.All(requests, url => Assert.StartsWith("http://localhost/", url, StringComparison.Ordinal));
        Assert.StartsWith("156.", fixture.Host.ChromiumVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Harness_FiftyPingsThroughStandIn_NoneLostAndPongsWellFormed()
    {
        var (room, creds) = NewRoom();
        await using var echo = await DailyEchoCall.StartAsync(fixture.Host, room, "echo-token", fixture.Relay.RelayUrl, Clock, CancellationToken.None).WaitAsync(Timeout);
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock) { PayloadBytes = 200 }, CancellationToken.None).WaitAsync(Timeout);
        await using var channel = Assert.IsType<DailyPingChannel>(Assert.Single(channels));
        var runId = RunId.New();
        var capture = new CapturingSink();

        await ReadinessProbe.WaitReadyAsync(channel, runId, 200, Clock, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Timeout);
        var config = new RunConfig { Count = 50, Warmup = 0, Interval = TimeSpan.FromMilliseconds(20), PayloadBytes = 200 };
        var session = new PingSession(runId, config, Clock.NowNs() + 1_000_000);
        var driver = new PingDriver(session, channel, Clock);
        await driver.RunAsync(null, CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);
        session.Finish();

        var records = session.Records.ToArray();
        Assert.Equal(50, records.Length);
        Assert.All(records, r => Assert.Equal(PingStatus.Ok, r.Status));
        Assert.All(records, r => Assert.InRange(r.RttNs!.Value, 1, 5_000_000_000));
        Assert.All(records, r => Assert.True(r.EchoTxNs >= r.EchoRxNs && r.EchoRxNs > 0));
        Assert.Equal(0, session.Counters.Malformed);
        Assert.Equal(0, session.Counters.UnknownSeq);
        Assert.Equal(0, session.Counters.Duplicates);

        // The pongs themselves, byte for byte as the runner got them, parse as PingCodec pongs.
        channel.SetSink(capture);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int length = PingCodec.WritePing(buffer, runId, 1000, Clock.NowNs(), 200);
        Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, length), out var ping));
        channel.Send(buffer.AsSpan(0, length));
        byte[] pong = await capture.First.Task.WaitAsync(Timeout);
        Assert.True(PingCodec.TryReadPong(pong, out var fields));
        Assert.Equal(1000, fields.Seq);
        Assert.Equal(ping.SentNs, fields.SentNs);
        Assert.Equal(ping.PadLength, fields.PadLength);
        Assert.True(fields.EchoWallAnchorUs > 1.7e15); // performance.timeOrigin in unix µs (after 2023)

        var path = channel.DescribePath();
        Assert.Equal("daily-websocket", channel.TransportMode);
        Assert.Equal("websocket", path.Details!["daily_transport"]);
        Assert.Equal("standin-relay", path.Details["daily_topology"]);
        Assert.Equal("sfu", path.Details["daily_topology_requested"]);
        Assert.Equal("standin", path.Details["daily_js_version"]);
        Assert.StartsWith("156.", path.Details["chromium_version"], StringComparison.Ordinal);
        Assert.True(double.Parse(path.Details["browser_cpu_ms"], System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.True(long.Parse(path.Details["websocket_ping_sends"], System.Globalization.CultureInfo.InvariantCulture) >= 50);
        Assert.Equal("0", path.Details["datachannel_ping_sends"]);
        Assert.Contains("page_send_lag_p50_ms", path.Details.Keys);
    }

    [Fact]
    public async Task Echo_RunnerLeavesTheCall_EchoLeavesToo()
    {
        var (room, creds) = NewRoom();
        await using var echo = await DailyEchoCall.StartAsync(fixture.Host, room, "echo-token", fixture.Relay.RelayUrl, Clock, CancellationToken.None).WaitAsync(Timeout);
        var echoEnded = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        echo.Page.Ended += reason => echoEnded.TrySetResult(reason);
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout);
        var channel = Assert.Single(channels);
        await ReadinessProbe.WaitReadyAsync(channel, RunId.New(), 128, Clock, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Timeout);
        Assert.False(echo.RunnerLeft);

        await channel.DisposeAsync();
        await echoEnded.Task.WaitAsync(Timeout);

        Assert.True(echo.RunnerLeft);
        Assert.NotNull(echo.EndReason);
    }

    [Fact]
    public async Task Join_StandInRefuses_FailsWithTheRelaysReason()
    {
        var (_, creds) = NewRoom();
        fixture.Relay.RefuseJoinsWith = "stand-in: room is full";
        try
        {
            var ex = await Assert.ThrowsAsync<PlatformException>(() =>
                new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout));

            Assert.Contains("Joining the Daily room failed", ex.Message, StringComparison.Ordinal);
            Assert.Contains("room is full", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Relay.RefuseJoinsWith = null;
        }
    }

    [Fact]
    public async Task Join_PayloadOverDailyLimit_FailsBeforeOpeningAPage()
    {
        var (_, creds) = NewRoom();

        var ex = await Assert.ThrowsAsync<PlatformException>(() =>
            new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock) { PayloadBytes = 5000 }, CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("4096", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_EchoNeverJoins_FailsNamingTheMissingEcho()
    {
        var (_, creds) = NewRoom();
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout);
        await using var channel = Assert.Single(channels);

        var ex = await Assert.ThrowsAsync<RunnerException>(() =>
            ReadinessProbe.WaitReadyAsync(channel, RunId.New(), 128, Clock, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(RunnerFailure.NotReady, ex.Failure);
        Assert.Contains("no echo participant ever joined the Daily room", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Driver_RunnerPageClosedMidRun_FailsWithIOExceptionNamingTheClose()
    {
        var (room, creds) = NewRoom();
        await using var echo = await DailyEchoCall.StartAsync(fixture.Host, room, "t", fixture.Relay.RelayUrl, Clock, CancellationToken.None).WaitAsync(Timeout);
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout);
        await using var channel = Assert.IsType<DailyPingChannel>(Assert.Single(channels));
        var runId = RunId.New();
        await ReadinessProbe.WaitReadyAsync(channel, runId, 128, Clock, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Timeout);
        var session = new PingSession(runId, new RunConfig { Count = 10_000, Warmup = 0, Interval = TimeSpan.FromMilliseconds(10) }, Clock.NowNs());
        var answeredSome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = new PingDriver(session, channel, Clock).RunAsync(
            (_, answered) => { if (answered >= 5) { answeredSome.TrySetResult(); } }, CancellationToken.None, CancellationToken.None);
        await answeredSome.Task.WaitAsync(Timeout);
        await channel.Page.Page.CloseAsync().WaitAsync(Timeout);

        var ex = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(Timeout));
        Assert.True(ex.Message.Contains("page was closed", StringComparison.Ordinal), ex.Message);
        Assert.True(session.AnsweredCount >= 5);
    }

    [Fact]
    public async Task Watch_EchoLeavesTheCallMidRun_RunEndsEchoLostWithNothingLost()
    {
        var (room, creds) = NewRoom();
        var echo = await DailyEchoCall.StartAsync(fixture.Host, room, "t", fixture.Relay.RelayUrl, Clock, CancellationToken.None).WaitAsync(Timeout);
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout);
        await using var channel = Assert.IsType<DailyPingChannel>(Assert.Single(channels));
        var runId = RunId.New();
        await ReadinessProbe.WaitReadyAsync(channel, runId, 128, Clock, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Timeout);
        var session = new PingSession(runId, new RunConfig { Count = 10_000, Warmup = 0, Interval = TimeSpan.FromMilliseconds(10) }, Clock.NowNs());
        var answeredSome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var endRun = new CancellationTokenSource();
        var watch = new EchoWatch(session, channel,
            _ => Task.FromResult(new EchoHostCheck(EchoHostState.Present, "the agent answers and still has the room")), Clock, note: null);

        var run = new PingDriver(session, channel, Clock).RunAsync(
            (_, answered) => { if (answered >= 20) { answeredSome.TrySetResult(); } }, CancellationToken.None, endRun.Token);
        var watching = watch.WatchAsync(CancellationToken.None);
        await answeredSome.Task.WaitAsync(Timeout);
        await echo.DisposeAsync(); // the echo's page leaves the call

        var loss = await watching.WaitAsync(Timeout);
        await endRun.CancelAsync();
        await run.WaitAsync(Timeout);
        session.FinishEchoLost(reliableChannel: true);

        Assert.Equal("the echo participant left the Daily call (participant-left)", loss!.Detail);
        Assert.Same(loss, await channel.EchoLost.WaitAsync(Timeout));
        var records = session.Records.ToArray();
        Assert.DoesNotContain(records, r => r.Status == PingStatus.Lost);
        Assert.True(records.Count(r => r.Status == PingStatus.Ok) >= 20);
        Assert.Contains(records, r => r.Status == PingStatus.NotSent);
    }

    [Fact]
    public async Task EchoLost_RunnerDisposesItsChannel_NeverSignalled()
    {
        var (room, creds) = NewRoom();
        await using var echo = await DailyEchoCall.StartAsync(fixture.Host, room, "t", fixture.Relay.RelayUrl, Clock, CancellationToken.None).WaitAsync(Timeout);
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout);
        var channel = Assert.IsType<DailyPingChannel>(Assert.Single(channels));
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Page.Ended += reason => closed.TrySetResult(reason);

        await channel.DisposeAsync();
        await closed.Task.WaitAsync(Timeout);

        // Our own leaving closed the page; that is not the echo's loss.
        Assert.False(channel.EchoLost.IsCompleted);
    }

    [Fact]
    public async Task Send_RunnerPageHangs_ChannelEndsAndSendFails()
    {
        var (room, creds) = NewRoom();
        await using var echo = await DailyEchoCall.StartAsync(fixture.Host, room, "t", fixture.Relay.RelayUrl, Clock, CancellationToken.None).WaitAsync(Timeout);
        var channels = await new DailyPlatformClient(fixture.Host).JoinAsync(creds, new PlatformJoinContext("r", Clock), CancellationToken.None).WaitAsync(Timeout);
        await using var channel = Assert.IsType<DailyPingChannel>(Assert.Single(channels));
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Page.Ended += reason => ended.TrySetResult(reason);

        _ = channel.Page.Page.EvaluateFunctionAsync("() => { while (true) {} }");
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int length = PingCodec.WritePing(buffer, RunId.New(), 0, Clock.NowNs(), 128);
        channel.Send(buffer.AsSpan(0, length));
        string reason = await ended.Task.WaitAsync(Timeout);

        Assert.Contains("stopped responding", reason, StringComparison.Ordinal);
        var ex = Assert.Throws<IOException>(() => channel.Send(buffer.AsSpan(0, length)));
        Assert.Contains("stopped responding", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_MissingRoomUrl_ThrowsNamingTheField()
    {
        var json = JsonSerializer.SerializeToElement(new { token = "t" });

        var ex = Assert.Throws<PlatformException>(() => DailyCredentials.Parse(json));

        Assert.Contains("room_url", ex.Message, StringComparison.Ordinal);
    }

    private (Uri Room, JsonElement Credentials) NewRoom()
    {
        var room = new Uri($"https://standin.daily.co/rtcbench-{Guid.NewGuid():N}");
        var creds = JsonSerializer.SerializeToElement(new DailyCredentials(room.AbsoluteUri, "runner-token", "sfu", null, fixture.Relay.RelayUrl.AbsoluteUri));
        return (room, creds);
    }

    private sealed class CapturingSink : IMessageSink
    {
        public TaskCompletionSource<byte[]> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs) => First.TrySetResult(message.ToArray());
    }
}

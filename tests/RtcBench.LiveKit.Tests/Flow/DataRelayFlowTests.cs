using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>
/// Two of our participants in a room of the stand-in LiveKit server, over loopback with real WebSockets and real
/// WebRTC (our stack at the participants, werift at the server): A pings B, B answers to the sender identity the
/// server stamped, A collects.
/// </summary>
public sealed class DataRelayFlowTests
{
    [Fact]
    public async Task PingEcho_ThousandOnEachKind_AllAnsweredToTheStampedSender()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var echoReceiver = new EchoReceiver();
        await using var echo = new LiveKitParticipant(echoReceiver);
        echoReceiver.Participant = echo;
        var pongs = new PongCollector(expected: 1000);
        await using var runner = new LiveKitParticipant(pongs);

        await echo.JoinAsync(FlowHelpers.Options(server, "echo", "bench-1"), guard.Token);
        await runner.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var present = await runner.WaitForParticipantAsync("echo", guard.Token);
        await FlowHelpers.ServerChannelsOpen(server, "bench-1", "runner").WaitAsync(guard.Token);

        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            for (int i = 1; i <= 1000; i++)
            {
                await pongs.Window.WaitAsync(guard.Token);
                Assert.True(runner.Send(kind, FlowHelpers.Ping(i), "echo"));
            }

            await pongs.Complete(kind).WaitAsync(guard.Token);
        }

        Assert.Equal(1000, pongs.Count(LiveKitDataKind.Reliable));
        Assert.Equal(1000, pongs.Count(LiveKitDataKind.Lossy));
        Assert.Equal(0, pongs.Duplicates);
        Assert.Equal(["echo"], pongs.Senders.Keys);
        Assert.Equal(["runner"], echoReceiver.Senders.Keys);
        Assert.Equal(0, echoReceiver.SendFailures);
        Assert.Equal(1000u, runner.ReliableSequence);
        Assert.Equal(1000u, echo.ReliableSequence);
        var runnerSession = server.FindSession("bench-1", "runner")!;
        Assert.Equal(0, runnerSession.DroppedOutOfOrder);
        Assert.Equal(2000, runnerSession.Relayed);
        Assert.Equal(server.FindSession("bench-1", "echo")!.Sid, present.Sid);
        Assert.True(runner.SubscriberPrimary);
        Assert.NotNull(runner.SubscriberPair);
        Assert.NotNull(runner.PublisherPair);
        Assert.Equal("standin-local", runner.ServerInfo!.Region);
        Assert.Equal("ND_standin1", runner.ServerInfo.NodeId);
        Assert.Equal(runnerSession.Sid, runner.Sid);
        Assert.Equal("runner", runner.Identity);
        Assert.Equal(0, runner.MalformedData + runner.MalformedSignalMessages);
        Assert.NotNull(runner.JoinTimings.ReadyMs);

        // The stand-in sends its candidates only by trickle and ignores those in our SDPs: both directions were used.
        Assert.Equal(2, runner.TrickleReceived);
        Assert.Equal(0, runner.TrickleNotApplied);
        Assert.Equal(2, runnerSession.TrickleReceived);
        Assert.Equal(0, runnerSession.MalformedSignal);
        Assert.Equal(0, server.Media.Errors); // werift, the server's side of all four legs, reported nothing.
    }

    [Fact]
    public async Task PingEcho_SubscriberNotPrimary_DataComesBackOnThePublisherChannels()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { SubscriberPrimary = false });
        var echoReceiver = new EchoReceiver();
        await using var echo = new LiveKitParticipant(echoReceiver);
        echoReceiver.Participant = echo;
        var pongs = new PongCollector(expected: 100);
        await using var runner = new LiveKitParticipant(pongs);

        await echo.JoinAsync(FlowHelpers.Options(server, "echo", "bench-2"), guard.Token);
        await runner.JoinAsync(FlowHelpers.Options(server, "runner", "bench-2"), guard.Token);
        await runner.WaitForParticipantAsync("echo", guard.Token);
        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            for (int i = 1; i <= 100; i++)
            {
                await pongs.Window.WaitAsync(guard.Token);
                runner.Send(kind, FlowHelpers.Ping(i), "echo");
            }

            await pongs.Complete(kind).WaitAsync(guard.Token);
        }

        Assert.False(runner.SubscriberPrimary);
        Assert.Null(runner.SubscriberPair);
        Assert.Equal(100, pongs.Count(LiveKitDataKind.Lossy));
        Assert.Equal(["echo"], pongs.Senders.Keys);
    }

    [Fact]
    public async Task Leave_ClientInitiated_ServerSeesLeaveAndClose1000_OthersSeeItGo()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var stays = new LiveKitParticipant();
        await stays.JoinAsync(FlowHelpers.Options(server, "stays", "bench-3"), guard.Token);
        var leaves = new LiveKitParticipant();
        await leaves.JoinAsync(FlowHelpers.Options(server, "leaves", "bench-3"), guard.Token);
        await stays.WaitForParticipantAsync("leaves", guard.Token);
        var session = server.FindSession("bench-3", "leaves")!;

        var gone = stays.WaitForParticipantGoneAsync("leaves", guard.Token);
        Assert.False(gone.IsCompleted);

        await leaves.LeaveAsync();
        string why = await session.Ended.WaitAsync(guard.Token);
        await gone;

        Assert.Equal(LiveKitEndKind.Left, (await leaves.WhenEnded).Kind);
        Assert.Equal("client left", why);
        Assert.Equal(RtcBench.LiveKit.Protocol.DisconnectReason.ClientInitiated, session.ClientLeave!.Reason);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, session.ClientCloseStatus);
        Assert.Throws<InvalidOperationException>(() => leaves.Send(LiveKitDataKind.Reliable, [1], "stays"));
        Assert.DoesNotContain(stays.Participants, p => p.Identity == "leaves");
        await stays.WaitForParticipantGoneAsync("never-here", guard.Token);
        await leaves.DisposeAsync();
    }
}

using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>
/// The stand-in's side of every WebRTC leg is werift (npm, unpatched; modelled on Pion, LiveKit's stack), not our
/// stack, and it takes LiveKit's roles: it answers the publisher connection as the DTLS client (Pion's answering
/// default), offers the subscriber connection with actpass and the server's own _reliable/_lossy/_data_track
/// channels, and is a full ICE agent (LiveKit's self-hosted default) or ICE-lite (<c>rtc.use_ice_lite</c>).
/// </summary>
public sealed class IndependentServerFlowTests
{
    [Fact]
    public async Task Join_ServerSideIsWerift_LiveKitsRolesAndChannels()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-w1"), guard.Token);
        var session = server.FindSession("bench-w1", "runner")!;
        await FlowHelpers.ServerChannelsOpen(server, "bench-w1", "runner").WaitAsync(guard.Token);

        Assert.Matches(@"^\d+\.\d+\.\d+$", server.Media.Version);
        Assert.Contains("a=setup:active", session.PublisherAnswerSdp, StringComparison.Ordinal);
        Assert.Contains("a=setup:actpass", session.SubscriberOfferSdp, StringComparison.Ordinal);
        Assert.DoesNotContain("a=ice-lite", session.SubscriberOfferSdp, StringComparison.Ordinal);
        // werift reports its connection state on its own event: a channel can be open before that event arrives.
        Assert.True(await session.Publisher!.WhenConnected.WaitAsync(guard.Token));
        Assert.True(await session.Subscriber!.WhenConnected.WaitAsync(guard.Token));
        Assert.Equal("connected", session.Publisher.State);
        Assert.Equal("connected", session.Subscriber.State);

        // All three server channels were acknowledged by our client (it ignores _data_track, but must not refuse it).
        Assert.True(await session.Subscriber.WhenOpen(StandInSession.DataTrackLabel).WaitAsync(guard.Token));
        Assert.Equal("full-controlling", participant.PublisherIceRole);
        Assert.Equal("full-controlled", participant.SubscriberIceRole);

        // werift's own view of the legs: it talks to our participant's addresses.
        Assert.Equal(participant.PublisherPair!.Local, (await session.Publisher.SelectedPairAsync()).Remote);
        Assert.Equal(participant.SubscriberPair!.Local, (await session.Subscriber.SelectedPairAsync()).Remote);
        Assert.Equal(0, server.Media.Errors);
    }

    [Fact]
    public async Task PingEcho_IceLiteServer_BothKindsAllAnsweredWeAreControllingOnBoth()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { IceLite = true });
        var echoReceiver = new EchoReceiver();
        await using var echo = new LiveKitParticipant(echoReceiver);
        echoReceiver.Participant = echo;
        var pongs = new PongCollector(expected: 200);
        await using var runner = new LiveKitParticipant(pongs);

        await echo.JoinAsync(FlowHelpers.Options(server, "echo", "bench-w2"), guard.Token);
        await runner.JoinAsync(FlowHelpers.Options(server, "runner", "bench-w2"), guard.Token);
        await runner.WaitForParticipantAsync("echo", guard.Token);
        await FlowHelpers.ServerChannelsOpen(server, "bench-w2", "runner").WaitAsync(guard.Token);
        await FlowHelpers.ServerChannelsOpen(server, "bench-w2", "echo").WaitAsync(guard.Token);
        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            for (int i = 1; i <= 200; i++)
            {
                await pongs.Window.WaitAsync(guard.Token);
                Assert.True(runner.Send(kind, FlowHelpers.Ping(i), "echo"));
            }

            await pongs.Complete(kind).WaitAsync(guard.Token);
        }

        Assert.Equal(0, pongs.Duplicates);
        Assert.Equal(0, echoReceiver.SendFailures);
        var session = server.FindSession("bench-w2", "runner")!;
        Assert.Contains("a=ice-lite", session.SubscriberOfferSdp, StringComparison.Ordinal);
        Assert.Contains("a=ice-lite", session.PublisherAnswerSdp, StringComparison.Ordinal);
        Assert.Equal("full-controlling", runner.PublisherIceRole);
        Assert.Equal("full-controlling", runner.SubscriberIceRole);
        Assert.Equal(0, session.DroppedOutOfOrder);
        Assert.Equal(0, server.Media.Errors);
    }
}

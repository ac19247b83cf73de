using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.Flow;
using RtcBench.LiveKit.Tests.StandIn;
using RtcBench.Rtc.Tests.Turn;

namespace RtcBench.LiveKit.Tests.Relay;

/// <summary>
/// The join response's TURN servers used as a relay candidate, against a real coturn on loopback (started once for
/// the class): relay-only ICE when the stand-in forces relay, the relay beside the host candidate otherwise, and a
/// wrong credential ending the join with a recorded outcome that names the TURN failure but never the credential.
/// </summary>
public sealed class RelayFlowTests(CoturnServer coturn) : IClassFixture<CoturnServer>
{
    [Fact]
    public async Task PingEcho_ForceRelayThroughCoturn_BothConnectionsRelayedAllAnswered()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions
        {
            ForceRelay = ClientConfigSetting.Enabled,
            IceServers = [RelayHelpers.Turn(coturn)],
        });
        var echoReceiver = new EchoReceiver();
        await using var echo = new LiveKitParticipant(echoReceiver);
        echoReceiver.Participant = echo;
        var pongs = new PongCollector(expected: 300);
        await using var runner = new LiveKitParticipant(pongs);

        await echo.JoinAsync(FlowHelpers.Options(server, "echo", "bench-r1"), guard.Token);
        await runner.JoinAsync(FlowHelpers.Options(server, "runner", "bench-r1"), guard.Token);
        await runner.WaitForParticipantAsync("echo", guard.Token);
        await FlowHelpers.ServerChannelsOpen(server, "bench-r1", "runner").WaitAsync(guard.Token);
        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            for (int i = 1; i <= 300; i++)
            {
                await pongs.Window.WaitAsync(guard.Token);
                Assert.True(runner.Send(kind, FlowHelpers.Ping(i), "echo"));
            }

            await pongs.Complete(kind).WaitAsync(guard.Token);
        }

        Assert.Equal(300, pongs.Count(LiveKitDataKind.Reliable));
        Assert.Equal(300, pongs.Count(LiveKitDataKind.Lossy));
        Assert.Equal(0, pongs.Duplicates);
        Assert.True(runner.RelayOnly);
        Assert.True(runner.SubscriberPrimary);
        var session = server.FindSession("bench-r1", "runner")!;
        foreach (var (participant, name) in new[] { (runner, "runner"), (echo, "echo") })
        {
            var publisher = participant.PublisherPair!;
            var subscriber = participant.SubscriberPair!;
            Assert.True(publisher.LocalType == "relay", $"{name} publisher: {publisher}");
            Assert.True(subscriber.LocalType == "relay", $"{name} subscriber: {subscriber}");

            // The relayed addresses are coturn's: every datagram went through it.
            Assert.True(RelayHelpers.IsCoturnRelay(coturn, publisher.Local), $"{name} publisher {publisher} not in {coturn.MinRelayPort}..{coturn.MaxRelayPort}");
            Assert.True(RelayHelpers.IsCoturnRelay(coturn, subscriber.Local), $"{name} subscriber {subscriber}");
            Assert.StartsWith("relay ", participant.PublisherRelayStatus, StringComparison.Ordinal);
            Assert.StartsWith("relay ", participant.SubscriberRelayStatus, StringComparison.Ordinal);
            Assert.Contains("relay-only ICE (force_relay)", participant.RelayNote, StringComparison.Ordinal);
        }

        // The stand-in's side of the runner's connections sees the relayed address as the remote end.
        Assert.Equal(runner.PublisherPair!.Local, (await session.Publisher!.SelectedPairAsync()).Remote);
        Assert.Equal(runner.SubscriberPair!.Local, (await session.Subscriber!.SelectedPairAsync()).Remote);
        Assert.Equal(0, runner.TrickleNotApplied);
        Assert.Equal(0, session.MalformedSignal);

        // Relay-only: each connection trickled exactly its relay candidate (no host candidate, no duplicate), which
        // arrived after its description (by LocalCandidateGathered, or already in LocalCandidates when sent).
        Assert.Equal(2, session.TrickleReceived);
        Assert.Equal(2, server.FindSession("bench-r1", "echo")!.TrickleReceived);
    }

    [Fact]
    public async Task Join_TurnGivenPolicyAll_ConnectsAndTheRelayIsAllocated()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { IceServers = [RelayHelpers.Turn(coturn)] });
        await using var participant = new LiveKitParticipant();

        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-r2"), guard.Token);
        await participant.WhenGatheringComplete.WaitAsync(guard.Token);

        Assert.True(participant.IsJoined);
        Assert.False(participant.RelayOnly);
        Assert.NotNull(participant.PublisherPair);
        Assert.NotNull(participant.SubscriberPair);
        Assert.StartsWith("relay ", participant.PublisherRelayStatus, StringComparison.Ordinal);
        Assert.StartsWith("relay ", participant.SubscriberRelayStatus, StringComparison.Ordinal);
        Assert.Contains($"turn:127.0.0.1:{coturn.Endpoint.Port}", participant.PublisherRelayStatus, StringComparison.Ordinal);
        Assert.DoesNotContain("relay-only", participant.RelayNote, StringComparison.Ordinal);
        Assert.Contains("publisher: relay ", participant.RelayNote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Join_TurnGivenServerTricklesBeforeItsAnswer_CandidatesKeptUntilTheAnswerIsApplied(bool forceRelay)
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions
        {
            ForceRelay = forceRelay ? ClientConfigSetting.Enabled : ClientConfigSetting.Unset,
            IceServers = [RelayHelpers.Turn(coturn)],
        });
        server.Faults.TrickleBeforeAnswer = true;
        await using var participant = new LiveKitParticipant();

        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-r5"), guard.Token);

        Assert.True(participant.IsJoined);
        Assert.NotNull(participant.PublisherPair);
        if (forceRelay)
        {
            Assert.Equal("relay", participant.PublisherPair.LocalType);
        }

        Assert.Equal(0, participant.TrickleNotApplied);
    }

    [Fact]
    public async Task Join_ForceRelayWrongCredential_EndsWithTheTurnFailureNeverTheCredential()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions
        {
            ForceRelay = ClientConfigSetting.Enabled,
            IceServers = [RelayHelpers.Turn(coturn, RelayHelpers.WrongCredential)],
        });
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() =>
            participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-r3"), guard.Token));
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(ex.Outcome, outcome);
        Assert.True(outcome.Kind is LiveKitEndKind.PeerFailed or LiveKitEndKind.JoinTimeout, outcome.ToString());
        Assert.Contains("TURN", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("401", outcome.Reason + participant.PublisherRelayStatus, StringComparison.Ordinal);
        foreach (string recorded in new[]
                 {
                     outcome.ToString(), ex.ToString(), participant.RelayNote ?? string.Empty,
                     participant.PublisherRelayStatus ?? string.Empty, string.Join(' ', participant.IceServers),
                 })
        {
            Assert.DoesNotContain(RelayHelpers.WrongCredential, recorded, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Join_ForceRelayWithOnlyTurnsAndTcp_UnsupportedNamingWhatIsUsable()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        var tls = new ICEServer { Urls = { "turns:turn.example:443?transport=tcp", "turn:127.0.0.1:3478?transport=tcp" }, Username = "u1", Credential = RelayHelpers.WrongCredential };
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { ForceRelay = ClientConfigSetting.Enabled, IceServers = [tls] });
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() =>
            participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-r4"), guard.Token));

        Assert.Equal(LiveKitEndKind.Unsupported, ex.Outcome.Kind);
        Assert.Contains("force_relay", ex.Outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("turn: URL over UDP", ex.Outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("turns:turn.example:443", ex.Outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayHelpers.WrongCredential, ex.ToString(), StringComparison.Ordinal);
        Assert.Null(participant.PublisherPair);
    }
}

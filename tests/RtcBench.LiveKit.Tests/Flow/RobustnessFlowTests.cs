using System.Net.WebSockets;
using Google.Protobuf;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>Bad input is dropped and counted, stuck steps time out with the step named, and the send path does not allocate.</summary>
public sealed class RobustnessFlowTests
{
    [Fact]
    public async Task Signalling_GarbageAndTextFrames_DroppedCountedSessionGoesOn()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var session = server.FindSession("bench-1", "runner")!;

        await session.SendRawAsync([0xFF, 0xFF, 0xFF], WebSocketMessageType.Binary);
        await session.SendRawAsync("{\"join\":{}}"u8.ToArray(), WebSocketMessageType.Text);
        // Frames arrive in order: once this update is handled, both bad frames have been.
        var marker = new ParticipantInfo { Identity = "marker", Sid = "PA_marker", State = ParticipantInfo.Types.State.Active };
        await session.SendAsync(new SignalResponse { Update = new ParticipantUpdate { Participants = { marker } } });
        await participant.WaitForParticipantAsync("marker", guard.Token);

        Assert.Equal(2, participant.MalformedSignalMessages);
        Assert.True(participant.IsJoined);
    }

    [Fact]
    public async Task Data_NotADataPacketOrNotAUserPacket_DroppedCountedNextOneDelivered()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var pongs = new PongCollector(expected: 1);
        await using var participant = new LiveKitParticipant(pongs);
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var session = server.FindSession("bench-1", "runner")!;
        await FlowHelpers.ServerChannelsOpen(server, "bench-1", "runner").WaitAsync(guard.Token);

        Assert.True(session.SendRawData(DataPacket.Types.Kind.Reliable, [0x12, 0x7F, 0x00]));
        Assert.True(session.SendRawData(DataPacket.Types.Kind.Reliable, [0x4A, 0x01, 0x00])); // chat_message
        var valid = new DataPacket { ParticipantIdentity = "server", User = new UserPacket { Payload = ByteString.CopyFrom(FlowHelpers.Ping(1)) } };
        Assert.True(session.SendRawData(DataPacket.Types.Kind.Reliable, valid.ToByteArray()));
        await pongs.Complete(LiveKitDataKind.Reliable).WaitAsync(guard.Token);

        Assert.Equal(1, participant.MalformedData);
        Assert.Equal(1, participant.IgnoredData);
        Assert.Equal(1, participant.DataReceived);
        Assert.Equal(["server"], pongs.Senders.Keys);
    }

    [Fact]
    public async Task Join_PublisherOfferNeverAnswered_JoinTimeoutNamesTheStep()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        server.Faults.IgnorePublisherOffers = true;
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() => participant.JoinAsync(
            FlowHelpers.Options(server, "runner", "bench-1") with { JoinTimeout = TimeSpan.FromSeconds(2) }, guard.Token));

        Assert.Equal(LiveKitEndKind.JoinTimeout, ex.Outcome.Kind);
        Assert.Contains("waiting for the answer", ex.Outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(ex.Outcome, participant.Outcome);
    }

    [Fact]
    public async Task Join_CallerCancels_OperationCanceledAndCancelledOutcome()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        server.Faults.IgnorePublisherOffers = true;
        using var cancel = new CancellationTokenSource();
        await using var participant = new LiveKitParticipant();

        var join = participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), cancel.Token);
        await server.WaitForSessionAsync("bench-1", "runner", guard.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => join.WaitAsync(guard.Token));
        Assert.Equal(LiveKitEndKind.Cancelled, (await participant.WhenEnded.WaitAsync(guard.Token)).Kind);
    }

    [Fact]
    public async Task Session_ServerClosesPeerConnections_PeerFailedOutcome()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);

        await server.FindSession("bench-1", "runner")!.ClosePeerConnectionsAsync();
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.PeerFailed, outcome.Kind);
        Assert.NotNull(outcome.PeerConnection);
        Assert.Equal(RtcBench.Rtc.Peer.PeerPhase.PeerClosed, outcome.PeerPhase);
        Assert.Contains(outcome.PeerCause, new RtcBench.Rtc.Peer.PeerFailureReason?[]
        {
            RtcBench.Rtc.Peer.PeerFailureReason.SctpPeerAbort, RtcBench.Rtc.Peer.PeerFailureReason.SctpPeerShutdown,
            RtcBench.Rtc.Peer.PeerFailureReason.DtlsPeerClosed,
        });
    }

    [Fact]
    public async Task Join_SameIdentityTwice_FirstIsToldToLeaveAsDuplicate()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var first = new LiveKitParticipant();
        await first.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        await using var second = new LiveKitParticipant();

        await second.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var outcome = await first.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.ServerLeave, outcome.Kind);
        Assert.Equal(DisconnectReason.DuplicateIdentity, outcome.ServerReason);
        Assert.True(second.IsJoined);
    }

    [Fact]
    public async Task Join_UnreachableTurnServerOffered_ConnectsOnHostRecordedWithoutCredential()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        var turn = new ICEServer { Urls = { "turn:203.0.113.5:3478?transport=udp", "turns:turn.example:443?transport=tcp" }, Username = "u1", Credential = "secret-cred" };
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { IceServers = [turn] });
        await using var participant = new LiveKitParticipant();

        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);

        var recorded = Assert.Single(participant.IceServers);
        Assert.Equal(turn.Urls, recorded.Urls);
        Assert.Equal("u1", recorded.Username);
        Assert.True(recorded.HasCredential);
        Assert.True(recorded.IsTurn);
        Assert.DoesNotContain("secret-cred", recorded.ToString(), StringComparison.Ordinal);

        // The TURN server (TEST-NET, nobody answers) is tried beside the host candidate, which connects.
        Assert.Equal("host", participant.PublisherPair!.LocalType);
        Assert.Equal("host", participant.SubscriberPair!.LocalType);
        Assert.False(participant.RelayOnly);
        Assert.Contains("publisher: ", participant.RelayNote, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-cred", participant.RelayNote, StringComparison.Ordinal);
        Assert.Equal("full-controlling", participant.PublisherIceRole);
        Assert.Equal("full-controlled", participant.SubscriberIceRole);
    }

    [Fact]
    public async Task Join_SubscriberOfferIsNotAnSdp_ProtocolErrorOutcome()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        server.Faults.CorruptSubscriberOffer = true;
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() => participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token));

        Assert.Equal(LiveKitEndKind.ProtocolError, ex.Outcome.Kind);
        Assert.Contains("subscriber offer", ex.Outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_LocalAddressNotOnThisHost_InternalOutcomeNotAHang()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() => participant.JoinAsync(
            FlowHelpers.Options(server, "runner", "bench-1") with { LocalAddress = System.Net.IPAddress.Parse("192.0.2.1") }, guard.Token));

        Assert.Equal(LiveKitEndKind.Internal, ex.Outcome.Kind);
        Assert.Contains("SocketException", ex.Outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WritePacket_Warmed_NumbersReliableFromOneAndDoesNotAllocate()
    {
        var participant = new LiveKitParticipant();
        byte[] payload = FlowHelpers.Ping(1);
        int first = participant.WritePacket(LiveKitDataKind.Reliable, payload, "echo");
        var packet = DataPacket.Parser.ParseFrom(participant.LastPacket(first));
        Assert.Equal(1u, packet.Sequence);
        Assert.Equal(["echo"], packet.DestinationIdentities);
        Assert.Equal(0u, DataPacket.Parser.ParseFrom(participant.LastPacket(participant.WritePacket(LiveKitDataKind.Lossy, payload, "echo"))).Sequence);
        long sink = 0;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            sink += participant.WritePacket(LiveKitDataKind.Reliable, payload, "echo");
            sink += participant.WritePacket(LiveKitDataKind.Lossy, payload, "echo");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_001u, participant.ReliableSequence);
        Assert.True(sink > 0);
    }
}

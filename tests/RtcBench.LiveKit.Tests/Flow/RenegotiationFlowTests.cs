using Google.Protobuf;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>
/// Later subscriber offers, as LiveKit sends when the subscriber session changes: answered with the same transport
/// (the added audio rejected) while data keeps flowing; an ICE restart, which we cannot follow, ends the session with
/// an outcome that says so instead of leaving the server waiting.
/// </summary>
public sealed class RenegotiationFlowTests
{
    [Fact]
    public async Task SubscriberReoffer_WithAddedAudio_AnsweredSameTransport_DataStillFlows()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var pongs = new PongCollector(expected: 1);
        await using var participant = new LiveKitParticipant(pongs);
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var session = server.FindSession("bench-1", "runner")!;
        await FlowHelpers.ServerChannelsOpen(server, "bench-1", "runner").WaitAsync(guard.Token);

        await session.ReofferSubscriberAsync();
        Assert.True(await session.SubscriberReanswered.WaitAsync(guard.Token));

        Assert.Equal(1, session.SubscriberReanswers);
        Assert.Equal(0, session.MalformedSignal);
        Assert.Equal(1, participant.SubscriberRenegotiations);
        Assert.True(participant.IsJoined);

        var packet = new DataPacket { ParticipantIdentity = "server", User = new UserPacket { Payload = ByteString.CopyFrom(FlowHelpers.Ping(1)) } };
        Assert.True(session.SendRawData(DataPacket.Types.Kind.Reliable, packet.ToByteArray()));
        await pongs.Complete(LiveKitDataKind.Reliable).WaitAsync(guard.Token);
    }

    [Fact]
    public async Task SubscriberReoffer_RestartingIce_EndsWithAProtocolErrorThatSaysSo()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var session = server.FindSession("bench-1", "runner")!;
        await FlowHelpers.ServerChannelsOpen(server, "bench-1", "runner").WaitAsync(guard.Token);

        await session.ReofferSubscriberAsync(restartIce: true);
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.ProtocolError, outcome.Kind);
        Assert.Contains("ICE restart is not supported", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, session.SubscriberReanswers);
    }
}

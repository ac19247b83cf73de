using System.Net;
using System.Net.Sockets;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>
/// Every way a join or a session can fail against the stand-in ends in a typed outcome, never a hang: each await has a
/// hang guard far above the time the failure needs.
/// </summary>
public sealed class FailureFlowTests
{
    [Fact]
    public async Task Join_TokenSignedWithAnotherSecret_RefusedWith401AndTheServersReason()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        string badToken = LiveKitTokens.Create(
            new LiveKitCredentials(server.Options.Credentials.ApiKey, "not-the-secret-not-the-secret-not-the"),
            "runner", new VideoGrant { RoomJoin = true, Room = "bench-1" }, TimeSpan.FromMinutes(5));
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() =>
            participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1") with { Token = badToken }, guard.Token));

        Assert.Equal(LiveKitEndKind.JoinRefused, ex.Outcome.Kind);
        Assert.Equal(401, ex.Outcome.HttpStatus);
        Assert.Contains("signature does not match", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(badToken, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(ex.Outcome, await participant.WhenEnded.WaitAsync(guard.Token));
        Assert.Equal(1, server.Refused);
    }

    [Fact]
    public async Task Join_ServerRefusesEveryJoin_JoinRefusedWith401()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        server.Faults.RefuseJoins = true;
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() =>
            participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token));

        Assert.Equal(LiveKitEndKind.JoinRefused, ex.Outcome.Kind);
        Assert.Equal(401, ex.Outcome.HttpStatus);
        Assert.Contains("fault switch", ex.Outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_NothingListening_Unreachable()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await using var participant = new LiveKitParticipant();
        var ex = await Assert.ThrowsAsync<LiveKitException>(() => participant.JoinAsync(new LiveKitJoinOptions
        {
            Url = new Uri($"ws://127.0.0.1:{port}"),
            Token = "x.y.z",
        }, guard.Token));

        Assert.Equal(LiveKitEndKind.Unreachable, ex.Outcome.Kind);
        Assert.DoesNotContain("x.y.z", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_ServerForcesRelayWithoutTurnServers_UnsupportedOutcome()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { ForceRelay = ClientConfigSetting.Enabled });
        await using var participant = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() =>
            participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token));

        Assert.Equal(LiveKitEndKind.Unsupported, ex.Outcome.Kind);
        Assert.Contains("force_relay", ex.Outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("no TURN server", ex.Outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("ICE servers given: none", ex.Outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_ServerLeaveWithReason_OutcomeCarriesTheReason()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);

        await server.SendLeaveAsync("bench-1", "runner", DisconnectReason.RoomDeleted);
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.ServerLeave, outcome.Kind);
        Assert.Equal(DisconnectReason.RoomDeleted, outcome.ServerReason);
        Assert.Equal(LeaveRequest.Types.Action.Disconnect, outcome.ServerAction);
        Assert.False(participant.IsJoined);
    }

    [Fact]
    public async Task Session_WebSocketDroppedMidRun_SignallingLostAndWaitersFail()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var pongs = new PongCollector(expected: 10);
        await using var participant = new LiveKitParticipant(pongs);
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        var waiting = participant.WaitForParticipantAsync("echo-never-comes", guard.Token);
        participant.Send(LiveKitDataKind.Reliable, FlowHelpers.Ping(1), string.Empty);

        server.DropWebSocket("bench-1", "runner");
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.SignallingLost, outcome.Kind);
        var ex = await Assert.ThrowsAsync<LiveKitException>(() => waiting);
        Assert.Equal(outcome, ex.Outcome);
        Assert.Throws<InvalidOperationException>(() => participant.Send(LiveKitDataKind.Lossy, [1], string.Empty));
    }

    [Fact]
    public async Task Session_ServerGoesSilent_KeepaliveTimeoutAfterPingTimeout()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { PingIntervalSeconds = 1, PingTimeoutSeconds = 2 });
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);
        Assert.Equal(TimeSpan.FromSeconds(2), participant.PingTimeout);

        server.Faults.StopAnsweringPings = true;
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.KeepaliveTimeout, outcome.Kind);
    }

    [Fact]
    public async Task Session_PingsAnswered_StaysUpAndMeasuresSignalRtt()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { PingIntervalSeconds = 1, PingTimeoutSeconds = 2 });
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);

        // Three ping intervals pass (awaited on the server's count of answered pings, not a sleep): still up.
        await server.FindSession("bench-1", "runner")!.WaitForPingsAsync(3, guard.Token);

        Assert.True(participant.IsJoined);
        Assert.Null(participant.Outcome);
        Assert.True(participant.SignalRttMs >= 1);
    }
}

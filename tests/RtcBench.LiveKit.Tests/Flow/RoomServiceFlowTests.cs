using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Rooms;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>Our RoomService client and our participants against one stand-in server, sharing its room store.</summary>
public sealed class RoomServiceFlowTests
{
    [Fact]
    public async Task ListParticipants_AfterJoinsAndALeave_ShowsWhoIsIn()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        using var http = new HttpClient();
        var rooms = new RoomServiceClient(http, server.Url, server.Options.Credentials);
        await rooms.CreateRoomAsync("bench-1", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20), maxParticipants: 0, guard.Token);
        await using var echo = new LiveKitParticipant();
        await echo.JoinAsync(FlowHelpers.Options(server, "echo", "bench-1"), guard.Token);
        var runner = new LiveKitParticipant();
        await runner.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);

        var both = await rooms.ListParticipantsAsync("bench-1", guard.Token);
        var runnerSession = server.FindSession("bench-1", "runner")!;
        await runner.DisposeAsync();
        await runnerSession.Ended.WaitAsync(guard.Token);
        var left = await rooms.ListParticipantsAsync("bench-1", guard.Token);

        Assert.Equal(["echo", "runner"], both.Select(p => p.Identity));
        Assert.Equal(runner.Sid, both.Single(p => p.Identity == "runner").Sid);
        Assert.Equal(["echo"], left.Select(p => p.Identity));
    }

    [Fact]
    public async Task Join_RoomCreatedWithOneSeat_SecondJoinRefusedWithJoinFailure()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        using var http = new HttpClient();
        var rooms = new RoomServiceClient(http, server.Url, server.Options.Credentials);
        await rooms.CreateRoomAsync("bench-1", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20), maxParticipants: 1, guard.Token);
        await using var first = new LiveKitParticipant();
        await first.JoinAsync(FlowHelpers.Options(server, "echo", "bench-1"), guard.Token);
        await using var second = new LiveKitParticipant();

        var ex = await Assert.ThrowsAsync<LiveKitException>(() => second.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token));

        Assert.Equal(LiveKitEndKind.JoinRefused, ex.Outcome.Kind);
        Assert.Equal(DisconnectReason.JoinFailure, ex.Outcome.ServerReason);
        Assert.True(first.IsJoined);
    }

    [Fact]
    public async Task DeleteRoom_WithParticipantsIn_EachIsToldRoomDeleted()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        using var http = new HttpClient();
        var rooms = new RoomServiceClient(http, server.Url, server.Options.Credentials);
        await using var participant = new LiveKitParticipant();
        await participant.JoinAsync(FlowHelpers.Options(server, "runner", "bench-1"), guard.Token);

        await rooms.DeleteRoomAsync("bench-1", guard.Token);
        var outcome = await participant.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.ServerLeave, outcome.Kind);
        Assert.Equal(DisconnectReason.RoomDeleted, outcome.ServerReason);
    }
}

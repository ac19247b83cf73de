using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RtcBench.Core.Protocol;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.EndToEnd;

/// <summary>
/// The agent's <c>livekit</c> platform through the stand-in LiveKit server (signalling, SFU relay over our WebRTC
/// stack, Twirp RoomService, one URL): /connect creates the room and the echo, a LiveKit participant of ours plays the
/// runner with the returned credentials, and the agent's echo answers; the room goes when the runner does.
/// </summary>
public sealed class AgentEchoEndToEndTests
{
    [Fact]
    public async Task Connect_ReturnsExactlyUrlTokenRoomEchoIdentity_RoomCreatedWithShortTimeoutsAndTwoParticipants()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();

        var (roomId, creds) = await deployment.ConnectAsync(guard.Token);

        Assert.Equal(["url", "token", "room", "echo_identity"], creds.EnumerateObject().Select(p => p.Name));
        string room = creds.GetProperty("room").GetString()!;
        Assert.Equal("rtcbench-" + roomId, room);
        Assert.Contains("livekit", deployment.Agent.EnabledPlatforms);
        Assert.StartsWith("ws://127.0.0.1:", creds.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("rtcbench-echo-" + roomId, creds.GetProperty("echo_identity").GetString());

        var credentials = deployment.Server.Options.Credentials;
        var claims = LiveKitTokens.Validate(creds.GetProperty("token").GetString()!, credentials);
        Assert.Equal("rtcbench-runner-" + roomId, claims.Identity);
        Assert.True(claims.Grant.RoomJoin);
        Assert.Equal(room, claims.Grant.Room);
        Assert.True(claims.Grant.CanSubscribe);
        Assert.True(claims.Grant.CanPublishData);
        Assert.False(claims.Grant.Hidden);
        Assert.False(claims.Grant.RoomAdmin || claims.Grant.RoomCreate || claims.Grant.RoomList);
        var agentRoom = (await deployment.AgentRoomAsync(roomId, guard.Token))!.Value;
        var expiresAt = agentRoom.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(claims.Expires, expiresAt - TimeSpan.FromSeconds(2), expiresAt + TimeSpan.FromSeconds(2));

        var created = deployment.Rooms.Find(room)!;
        Assert.Equal(60u, created.EmptyTimeout);
        Assert.Equal(10u, created.DepartureTimeout);
        Assert.Equal(2u, created.MaxParticipants);
        Assert.Contains(deployment.RoomService.Calls, c => c.Method == "CreateRoom");

        // The echo is in the room under its own identity (not hidden: the runner must see who answers).
        await deployment.Server.WaitForSessionAsync(room, "rtcbench-echo-" + roomId, guard.Token);
        var details = agentRoom.GetProperty("details").GetProperty("livekit");
        Assert.Equal(room, details.GetProperty("room").GetString());
        Assert.Equal("in the room", details.GetProperty("echo").GetString());
        Assert.Equal("not joined yet", details.GetProperty("runner").GetString());
        Assert.Equal("standin-local", details.GetProperty("server_region").GetString());

        string raw = JsonSerializer.Serialize(agentRoom) + creds.GetRawText();
        Assert.DoesNotContain(credentials.ApiSecret, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_PingsOnBothKinds_AnsweredToTheSenderOnTheSameKindWithRxTx_RunnerLeaves_EchoLeavesAndRoomDeleted()
    {
        const int Pings = 300;
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();
        var (roomId, creds) = await deployment.ConnectAsync(guard.Token);
        string room = creds.GetProperty("room").GetString()!;
        string echoIdentity = creds.GetProperty("echo_identity").GetString()!;
        var pongs = new PongCounter(Pings);
        var runner = new LiveKitParticipant(pongs);
        await runner.JoinAsync(new LiveKitJoinOptions
        {
            Url = new Uri(creds.GetProperty("url").GetString()!),
            Token = creds.GetProperty("token").GetString()!,
        }, guard.Token);
        await runner.WaitForParticipantAsync(echoIdentity, guard.Token);

        var runId = RunId.New();
        var buffer = new byte[256];
        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            long offset = kind == LiveKitDataKind.Reliable ? 0 : Pings;
            for (int i = 1; i <= Pings; i++)
            {
                await pongs.Window.WaitAsync(guard.Token); // At most 32 in flight: paced by the answers, not by sleeps.
                int n = PingCodec.WritePing(buffer, runId, offset + i, i * 1000L, 100);
                Assert.True(runner.Send(kind, buffer.AsSpan(0, n), echoIdentity));
            }

            await pongs.Complete(kind).WaitAsync(guard.Token);
        }

        Assert.Equal(Pings, pongs.Count(LiveKitDataKind.Reliable));
        Assert.Equal(Pings, pongs.Count(LiveKitDataKind.Lossy));
        Assert.Equal(0, pongs.Duplicates + pongs.NotPongs);
        Assert.Equal([echoIdentity], pongs.Senders.Keys);
        Assert.All(pongs.Pongs, p =>
        {
            Assert.Equal(runId, p.RunId);
            Assert.True(p.EchoRxNs > 0 && p.EchoTxNs >= p.EchoRxNs, $"seq {p.Seq}: rx {p.EchoRxNs} tx {p.EchoTxNs}");
        });

        // Each pong came back on the kind its ping went out on (reliable seqs 1..N, lossy N+1..2N).
        var agentRoom = (await deployment.AgentRoomAsync(roomId, guard.Token))!.Value;
        Assert.Equal(2 * Pings, agentRoom.GetProperty("pings_echoed").GetInt64());
        var details = agentRoom.GetProperty("details").GetProperty("livekit");
        Assert.Equal("in the room", details.GetProperty("runner").GetString());
        Assert.Equal(0, details.GetProperty("malformed").GetInt64());
        var echoSession = deployment.Server.FindSession(room, echoIdentity)!;
        Assert.Equal(0, echoSession.DroppedOutOfOrder);

        var deleted = deployment.WhenDeleted(room);
        await runner.LeaveAsync();
        await deleted.WaitAsync(guard.Token);
        await echoSession.Ended.WaitAsync(guard.Token);

        Assert.Null(deployment.Rooms.Find(room));
        Assert.Equal("client left", await echoSession.Ended);
        Assert.Equal(DisconnectReason.ClientInitiated, echoSession.ClientLeave!.Reason);
        Assert.Contains(deployment.RoomService.Calls, c => c.Method == "DeleteRoom");
        details = (await deployment.AgentRoomAsync(roomId, guard.Token))!.Value.GetProperty("details").GetProperty("livekit");
        Assert.Equal("left: the runner left", details.GetProperty("echo").GetString());
        Assert.Equal("left", details.GetProperty("runner").GetString());
        var health = (await deployment.Http.GetFromJsonAsync<JsonElement>("health", guard.Token)).GetProperty("livekit");
        Assert.Equal(1, health.GetProperty("rooms_created").GetInt64());
        Assert.Equal(2 * Pings, health.GetProperty("pings_echoed").GetInt64());
        Assert.Equal(0, health.GetProperty("setup_failures").GetInt64());
    }

    [Fact]
    public async Task Disconnect_WhileTheRunnerIsIn_EchoLeavesRoomDeletedRunnerToldRoomDeleted()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();
        var (roomId, creds) = await deployment.ConnectAsync(guard.Token);
        string room = creds.GetProperty("room").GetString()!;
        await using var runner = new LiveKitParticipant();
        await runner.JoinAsync(new LiveKitJoinOptions
        {
            Url = new Uri(creds.GetProperty("url").GetString()!),
            Token = creds.GetProperty("token").GetString()!,
        }, guard.Token);
        await runner.WaitForParticipantAsync(creds.GetProperty("echo_identity").GetString()!, guard.Token);
        var deleted = deployment.WhenDeleted(room);

        using var response = await deployment.Http.PostAsJsonAsync("disconnect", new { room_id = roomId }, guard.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await deleted.WaitAsync(guard.Token);
        var outcome = await runner.WhenEnded.WaitAsync(guard.Token);

        Assert.Equal(LiveKitEndKind.ServerLeave, outcome.Kind);
        Assert.Equal(DisconnectReason.RoomDeleted, outcome.ServerReason);
        Assert.Null(await deployment.AgentRoomAsync(roomId, guard.Token));
    }

    [Fact]
    public async Task Connect_AgentHasTheWrongSecret_502ProblemWithLiveKitsReasonNeverTheSecret()
    {
        const string WrongSecret = "wrong-secret-wrong-secret-wrong-secret-00";
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync(configure: o => o with
        {
            Credentials = new LiveKitCredentials(o.Credentials!.ApiKey, WrongSecret),
        });

        using var response = await deployment.Http.PostAsJsonAsync("connect", new { platforms = new[] { "livekit" } }, guard.Token);
        string text = await response.Content.ReadAsStringAsync(guard.Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith("a platform could not set the room up: LiveKit refused to create the room (unauthenticated)", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(deployment.Server.Options.Credentials.ApiSecret, text, StringComparison.Ordinal);
        Assert.Empty(deployment.Rooms.List());
        Assert.Null(await FirstRoomAsync(deployment, guard.Token));
        var health = (await deployment.Http.GetFromJsonAsync<JsonElement>("health", guard.Token)).GetProperty("livekit");
        Assert.Equal(1, health.GetProperty("setup_failures").GetInt64());
    }

    [Fact]
    public async Task Connect_EchoJoinRefused_502ProblemAndTheLiveKitRoomDeleted()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();
        deployment.Server.Faults.RefuseJoins = true;

        using var response = await deployment.Http.PostAsJsonAsync("connect", new { platforms = new[] { "livekit" } }, guard.Token);
        string text = await response.Content.ReadAsStringAsync(guard.Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        string detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("the echo participant could not join the LiveKit room: JoinRefused (HTTP 401)", detail, StringComparison.Ordinal);
        string room = await deployment.FirstDeletion.WaitAsync(guard.Token);

        Assert.StartsWith("rtcbench-", room, StringComparison.Ordinal);
        Assert.Empty(deployment.Rooms.List());
        Assert.Contains(deployment.RoomService.Calls, c => c.Method == "DeleteRoom");
        Assert.Null(await FirstRoomAsync(deployment, guard.Token));
    }

    [Fact]
    public async Task Echo_RunnerNeverJoins_LeavesAtTheIdleTimeoutAndTheRoomIsDeleted()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync();
        using var response = await deployment.Http.PostAsJsonAsync("connect",
            new { platforms = new[] { "livekit" }, idle_timeout_seconds = 10 }, guard.Token);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(guard.Token);
        string room = body.GetProperty("platforms").GetProperty("livekit").GetProperty("room").GetString()!;
        var echo = await deployment.Server.WaitForSessionAsync(room, body.GetProperty("platforms").GetProperty("livekit").GetProperty("echo_identity").GetString()!, guard.Token);

        await deployment.WhenDeleted(room).WaitAsync(guard.Token);
        await echo.Ended.WaitAsync(guard.Token);

        Assert.Equal("client left", await echo.Ended);
        Assert.Null(deployment.Rooms.Find(room));
    }

    private static async Task<JsonElement?> FirstRoomAsync(StandInDeployment deployment, CancellationToken ct)
    {
        var rooms = await deployment.Http.GetFromJsonAsync<JsonElement>("rooms", ct);
        return rooms.GetProperty("rooms").GetArrayLength() == 0 ? null : rooms.GetProperty("rooms")[0];
    }
}

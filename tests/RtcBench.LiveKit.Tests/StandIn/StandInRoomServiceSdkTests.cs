using System.Text.Json;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.Auth;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// Keeps the stand-in honest: LiveKit's own RoomServiceClient (livekit-server-sdk from npm, run with node) talks to
/// it as it would to LiveKit: its requests (camelCase JSON, its own tokens) are accepted and its answers, errors
/// included, are read as LiveKit's.
/// </summary>
public sealed class StandInRoomServiceSdkTests
{
    private static readonly LiveKitCredentials Credentials = new("APIsdk", "sdk-check-secret-longer-than-32-bytes!");

    [Fact]
    public async Task ServerSdkRoomServiceClient_AgainstStandIn_CreatesListsAndDeletes()
    {
        var service = new StandInRoomService(new StandInRooms(), Credentials);
        service.Rooms.GetOrCreate("busy");
        service.Rooms.AddParticipant("busy", new ParticipantInfo { Identity = "runner", JoinedAtMs = 1_795_312_345_678 });
        await using var host = await StandInRoomServiceHost.StartAsync(service);
        string input = JsonSerializer.Serialize(new
        {
            url = host.Url.ToString().TrimEnd('/'),
            apiKey = Credentials.ApiKey,
            apiSecret = Credentials.ApiSecret,
            busyRoom = "busy",
        });

        using var seen = JsonDocument.Parse(await NodeScripts.RunOkAsync("room-service.mjs", input));

        var root = seen.RootElement;
        var created = root.GetProperty("created");
        Assert.Equal("sdk-room", created.GetProperty("name").GetString());
        Assert.StartsWith("RM_", created.GetProperty("sid").GetString(), StringComparison.Ordinal);
        Assert.Equal(60, created.GetProperty("emptyTimeout").GetInt32());
        Assert.Equal(10, created.GetProperty("departureTimeout").GetInt32());
        Assert.Equal(3, created.GetProperty("maxParticipants").GetInt32());
        Assert.NotEqual("0", created.GetProperty("creationTime").GetString());
        Assert.Equal(["sdk-room"], root.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        var runner = Assert.Single(root.GetProperty("participants").EnumerateArray());
        Assert.Equal("runner", runner.GetProperty("identity").GetString());
        Assert.Equal("1795312345678", runner.GetProperty("joinedAtMs").GetString());
        Assert.Equal(["busy"], root.GetProperty("afterDelete").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("not_found", root.GetProperty("deleteAgain").GetProperty("code").GetString());
        Assert.Equal(404, root.GetProperty("deleteAgain").GetProperty("status").GetInt32());
        // The SDK's tokens carried the same grants our client mints.
        Assert.Equal(
            ["CreateRoom:roomCreate", "ListRooms:roomList", "ListParticipants:roomAdmin:busy", "DeleteRoom:roomCreate", "ListRooms:roomList", "DeleteRoom:roomCreate"],
            service.Calls.Select(Describe));
    }

    private static string Describe(StandInRoomService.Call call) =>
        call.Grant switch
        {
            { RoomCreate: true } => $"{call.Method}:roomCreate",
            { RoomList: true } => $"{call.Method}:roomList",
            { RoomAdmin: true } g => $"{call.Method}:roomAdmin:{g.Room}",
            _ => $"{call.Method}:?",
        };
}

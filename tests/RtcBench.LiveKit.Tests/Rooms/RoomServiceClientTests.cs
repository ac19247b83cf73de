using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Rooms;
using RtcBench.LiveKit.Tests.Auth;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Rooms;

/// <summary>RoomServiceClient over real HTTP against the stand-in RoomService (and a few misbehaving servers).</summary>
public sealed class RoomServiceClientTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly LiveKitCredentials Credentials = new("APIrooms", "rooms-test-secret-longer-than-32-bytes");

    private readonly StandInRoomService _service = new(new StandInRooms(), Credentials);
    private readonly HttpClient _http = new() { Timeout = Wait };
    private StandInRoomServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await StandInRoomServiceHost.StartAsync(_service);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private RoomServiceClient Client(LiveKitCredentials? credentials = null, TimeProvider? time = null, Uri? url = null) =>
        new(_http, url ?? _host.Url, credentials ?? Credentials, time);

    [Fact]
    public async Task CreateRoom_NewRoom_ReturnsItWithTheRequestedSettings()
    {
        var room = await Client().CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 2, default).WaitAsync(Wait);

        Assert.Equal("bench-1", room.Name);
        Assert.StartsWith("RM_", room.Sid, StringComparison.Ordinal);
        Assert.Equal(60u, room.EmptyTimeout);
        Assert.Equal(10u, room.DepartureTimeout);
        Assert.Equal(2u, room.MaxParticipants);
        Assert.InRange(room.CreationTime, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(room.CreationTime, room.CreationTimeMs / 1000);
    }

    [Fact]
    public async Task CreateRoom_ZeroTimeouts_GetLiveKitDefaults()
    {
        var room = await Client().CreateRoomAsync("bench-1", TimeSpan.Zero, TimeSpan.Zero, 0, default).WaitAsync(Wait);

        Assert.Equal(300u, room.EmptyTimeout);
        Assert.Equal(20u, room.DepartureTimeout);
        Assert.Equal(0u, room.MaxParticipants);
    }

    [Fact]
    public async Task ListRooms_WithAndWithoutNames_ReturnsTheMatchingRooms()
    {
        var client = Client();
        await client.CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);
        await client.CreateRoomAsync("bench-2", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);

        var all = await client.ListRoomsAsync(null, default).WaitAsync(Wait);
        var one = await client.ListRoomsAsync(["bench-2", "missing"], default).WaitAsync(Wait);

        Assert.Equal(["bench-1", "bench-2"], all.Select(r => r.Name));
        Assert.Equal("bench-2", Assert.Single(one).Name);
        Assert.Equal(60u, one[0].EmptyTimeout);
    }

    [Fact]
    public async Task DeleteRoom_Existing_RemovesItFromTheList()
    {
        var client = Client();
        await client.CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);

        await client.DeleteRoomAsync("bench-1", default).WaitAsync(Wait);

        Assert.Empty(await client.ListRoomsAsync(null, default).WaitAsync(Wait));
    }

    [Fact]
    public async Task DeleteRoom_Missing_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<TwirpException>(() => Client().DeleteRoomAsync("nope", default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.NotFound, e.Code);
        Assert.Equal(404, e.HttpStatus);
        Assert.True(e.IsServerError);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListParticipants_TwoJoined_ReturnsThemWithInt64Fields()
    {
        var client = Client();
        await client.CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);
        long joinedAtMs = 1_795_312_345_678;
        _service.Rooms.AddParticipant("bench-1", new ParticipantInfo
        {
            Identity = "runner",
            State = ParticipantInfo.Types.State.Active,
            JoinedAt = joinedAtMs / 1000,
            JoinedAtMs = joinedAtMs,
            Permission = new ParticipantPermission { CanPublishData = true, CanSubscribe = true },
        });
        _service.Rooms.AddParticipant("bench-1", new ParticipantInfo { Identity = "echo", Kind = ParticipantInfo.Types.Kind.Agent });

        var participants = await client.ListParticipantsAsync("bench-1", default).WaitAsync(Wait);

        Assert.Equal(["runner", "echo"], participants.Select(p => p.Identity));
        Assert.Equal(joinedAtMs, participants[0].JoinedAtMs);
        Assert.Equal(ParticipantInfo.Types.State.Active, participants[0].State);
        Assert.True(participants[0].Permission.CanPublishData);
        Assert.Equal(ParticipantInfo.Types.Kind.Agent, participants[1].Kind);
        Assert.StartsWith("PA_", participants[1].Sid, StringComparison.Ordinal);
        Assert.Equal(2u, (await client.ListRoomsAsync(["bench-1"], default).WaitAsync(Wait))[0].NumParticipants);
    }

    [Fact]
    public async Task ListParticipants_MissingRoom_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<TwirpException>(() => Client().ListParticipantsAsync("nope", default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.NotFound, e.Code);
        Assert.Equal(404, e.HttpStatus);
    }

    [Fact]
    public async Task EveryCall_MintsItsOwnTokenWithOnlyTheGrantItNeeds()
    {
        var client = Client();
        await client.CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);
        await client.ListRoomsAsync(null, default).WaitAsync(Wait);
        await client.ListParticipantsAsync("bench-1", default).WaitAsync(Wait);
        await client.DeleteRoomAsync("bench-1", default).WaitAsync(Wait);

        Assert.Equal(
            [
                new StandInRoomService.Call("CreateRoom", new VideoGrant { RoomCreate = true }, ""),
                new StandInRoomService.Call("ListRooms", new VideoGrant { RoomList = true }, ""),
                new StandInRoomService.Call("ListParticipants", new VideoGrant { RoomAdmin = true, Room = "bench-1" }, ""),
                new StandInRoomService.Call("DeleteRoom", new VideoGrant { RoomCreate = true }, ""),
            ],
            _service.Calls);
    }

    [Fact]
    public async Task Call_TokenWithoutTheGrant_ThrowsPermissionDenied()
    {
        var e = await Assert.ThrowsAsync<TwirpException>(() =>
            Client().CallAsync("ListRooms", new VideoGrant { RoomCreate = true }, _ => { }, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.PermissionDenied, e.Code);
        Assert.Equal(403, e.HttpStatus);
        Assert.True(e.IsServerError);
    }

    [Fact]
    public async Task Call_AdminGrantForAnotherRoom_ThrowsPermissionDenied()
    {
        var client = Client();
        await client.CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);

        var e = await Assert.ThrowsAsync<TwirpException>(() =>
            client.CallAsync("ListParticipants", new VideoGrant { RoomAdmin = true, Room = "bench-2" }, w => w.WriteString("room", "bench-1"), default)
                .WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.PermissionDenied, e.Code);
    }

    [Fact]
    public async Task AnyCall_WrongSecret_ThrowsUnauthenticatedWithoutSecrets()
    {
        var wrong = new LiveKitCredentials(Credentials.ApiKey, "not-the-servers-secret-at-all-really");

        var e = await Assert.ThrowsAsync<TwirpException>(() => Client(wrong).ListRoomsAsync(null, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.Unauthenticated, e.Code);
        Assert.Equal(401, e.HttpStatus);
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong.ApiSecret, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Credentials.ApiSecret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_ClockAnHourBehind_ThrowsUnauthenticatedExpired()
    {
        var anHourAgo = new ManualTime(DateTimeOffset.UtcNow.AddHours(-1));

        var e = await Assert.ThrowsAsync<TwirpException>(() => Client(time: anHourAgo).ListRoomsAsync(null, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.Unauthenticated, e.Code);
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WebSocketUrl_TalksHttpToTheSameServer()
    {
        var ws = new UriBuilder(_host.Url) { Scheme = "ws" }.Uri;

        var room = await Client(url: ws).CreateRoomAsync("bench-1", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0, default).WaitAsync(Wait);

        Assert.Equal("bench-1", room.Name);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:7880", "http://127.0.0.1:7880/")]
    [InlineData("wss://project.livekit.cloud", "https://project.livekit.cloud/")]
    [InlineData("wss://project.livekit.cloud/", "https://project.livekit.cloud/")]
    [InlineData("http://host:7880/lk?x=1", "http://host:7880/lk/")]
    [InlineData("https://user:pw@host/", "https://host/")]
    public void HttpBaseUrl_LiveKitUrls_MapToHttp(string url, string expected)
    {
        Assert.Equal(new Uri(expected), RoomServiceClient.HttpBaseUrl(new Uri(url)));
    }

    [Theory]
    [InlineData("ftp://host/")]
    [InlineData("udp://host:7882")]
    public void HttpBaseUrl_OtherScheme_ThrowsArgumentException(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => RoomServiceClient.HttpBaseUrl(new Uri(url)));
        Assert.Contains("ws, wss, http, https", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRoom_BadArguments_ThrowBeforeSending()
    {
        var client = Client();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CreateRoomAsync("r", TimeSpan.FromSeconds(1.5), TimeSpan.Zero, 0, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CreateRoomAsync("r", TimeSpan.Zero, TimeSpan.FromSeconds(-1), 0, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CreateRoomAsync("r", TimeSpan.Zero, TimeSpan.Zero, -1, default));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateRoomAsync("", TimeSpan.Zero, TimeSpan.Zero, 0, default));
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task AnyCall_ProxyAnswers502Html_ThrowsUnavailableNamingTheStatus()
    {
        await using var proxy = await StandInRoomServiceHost.StartAsync(app => app.MapFallback(async context =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>\n");
        }));

        var e = await Assert.ThrowsAsync<TwirpException>(() => Client(url: proxy.Url).ListRoomsAsync(null, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.Unavailable, e.Code);
        Assert.Equal(502, e.HttpStatus);
        Assert.False(e.IsServerError);
        Assert.Contains("not a Twirp error", e.Message, StringComparison.Ordinal);
        Assert.Contains("text/html", e.Message, StringComparison.Ordinal);
        Assert.Contains("<title>502 Bad Gateway</title>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_WrongServerAnswers200Html_ThrowsMalformed()
    {
        await using var other = await StandInRoomServiceHost.StartAsync(app => app.MapFallback(async context =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<!doctype html><p>Welcome</p>");
        }));

        var e = await Assert.ThrowsAsync<TwirpException>(() => Client(url: other.Url).ListRoomsAsync(null, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.Malformed, e.Code);
        Assert.Equal(200, e.HttpStatus);
        Assert.Contains("LiveKit server", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_NothingListening_ThrowsUnavailableWithoutStatus()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<TwirpException>(() =>
            Client(url: new Uri($"http://127.0.0.1:{port}/")).ListRoomsAsync(null, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.Unavailable, e.Code);
        Assert.Equal(0, e.HttpStatus);
        Assert.Contains("could not reach", e.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_ServerNeverAnswers_ThrowsDeadlineExceededAfterHttpTimeout()
    {
        await using var silent = await StandInRoomServiceHost.StartAsync(app => app.MapFallback(async context =>
            await Task.Delay(Timeout.Infinite, context.RequestAborted)));
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var e = await Assert.ThrowsAsync<TwirpException>(() =>
            new RoomServiceClient(http, silent.Url, Credentials).ListRoomsAsync(null, default).WaitAsync(Wait));

        Assert.Equal(TwirpErrorCodes.DeadlineExceeded, e.Code);
        Assert.Equal(0, e.HttpStatus);
        Assert.Contains("no answer within 0.3 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_CallerCancels_ThrowsOperationCanceled()
    {
        await using var silent = await StandInRoomServiceHost.StartAsync(app => app.MapFallback(async context =>
            await Task.Delay(Timeout.Infinite, context.RequestAborted)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client(url: silent.Url).ListRoomsAsync(null, cts.Token).WaitAsync(Wait));
    }

    [Fact]
    public async Task ListRooms_AnswerWithFieldsWeDoNotKnow_IgnoresThem()
    {
        await using var newer = await StandInRoomServiceHost.StartAsync(app => app.MapFallback(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""
                {"rooms":[{"sid":"RM_x","name":"bench-1","empty_timeout":300,"creation_time":"1795312345",
                  "enabled_codecs":[{"mime":"audio/opus","fmtp_line":""}],"version":{"unix_micro":"1","ticks":0},
                  "some_future_field":{"a":[1,2]}}],"next_page_token":null}
                """);
        }));

        var rooms = await Client(url: newer.Url).ListRoomsAsync(null, default).WaitAsync(Wait);

        Assert.Equal("bench-1", Assert.Single(rooms).Name);
        Assert.Equal(1_795_312_345, rooms[0].CreationTime);
    }

    [Fact]
    public async Task StandIn_CamelCaseRequest_AnswersProtojsonWithSnakeCaseDefaultsAndInt64Strings()
    {
        string token = LiveKitTokens.Create(Credentials, "", new VideoGrant { RoomCreate = true }, TimeSpan.FromMinutes(1));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Url, "twirp/livekit.RoomService/CreateRoom"))
        {
            Content = new StringContent("""{"name":"bench-1","emptyTimeout":30,"maxParticipants":3}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);

        using var response = await _http.SendAsync(request).WaitAsync(Wait);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var room = json.RootElement;
        Assert.Equal(30, room.GetProperty("empty_timeout").GetInt32());
        Assert.Equal(3, room.GetProperty("max_participants").GetInt32());
        Assert.Equal(20, room.GetProperty("departure_timeout").GetInt32());
        Assert.Equal(0, room.GetProperty("num_participants").GetInt32());
        Assert.Equal(JsonValueKind.String, room.GetProperty("creation_time").ValueKind);
        Assert.False(room.TryGetProperty("emptyTimeout", out _));
    }

    [Fact]
    public async Task StandIn_NoToken_AnswersTwirpUnauthenticated()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");

        using var response = await _http.PostAsync(new Uri(_host.Url, "twirp/livekit.RoomService/ListRooms"), content).WaitAsync(Wait);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", json.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("msg").GetString()));
    }
}

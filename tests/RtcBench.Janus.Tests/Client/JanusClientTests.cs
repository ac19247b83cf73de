using Microsoft.Extensions.Logging.Abstractions;
using RtcBench.Janus.Admin;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.Client;

/// <summary>
/// The Janus API client against a real Janus 1.1.2, over both transports: sessions, handles, synchronous and
/// asynchronous plugin requests, plugin errors, unsolicited events, trickle, and clean-up checked through Janus's
/// own Admin API.
/// </summary>
[Collection(JanusCollection.Name)]
public sealed class JanusClientTests(JanusFixture fixture)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly JanusServer _janus = fixture.Server;

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task GetInfo_RealJanus_ReportsVersionPluginsAndDataChannels(JanusTransportKind kind)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        var info = await client.GetInfoAsync();
        Assert.Equal("1.1.2", info.Version);
        Assert.True(info.DataChannels);
        Assert.False(info.IceLite);
        Assert.False(info.ApiSecretRequired);
        Assert.Equal(["janus.plugin.echotest", "janus.plugin.textroom", "janus.plugin.videoroom"], info.Plugins.Order(StringComparer.Ordinal));
        Assert.Contains("janus.transport.websockets", info.Transports);
        Assert.Equal(kind, client.TransportKind);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task Session_AttachKeepaliveDetachDestroy_AdminApiSeesEachStepAndNothingIsLeft(JanusTransportKind kind)
    {
        using var admin = new JanusAdminClient(_janus.AdminUrl, _janus.Secrets.AdminSecret);
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        var session = await client.CreateSessionAsync();
        Assert.Contains(session.Id, await admin.ListSessionsAsync());

        var handle = await session.AttachAsync(JanusPlugins.EchoTest, opaqueId: "rtcbench-test");
        Assert.Equal([handle.Id], await admin.ListHandlesAsync(session.Id));
        await session.KeepaliveAsync();

        await handle.DetachAsync();
        Assert.Equal("detached by this client", await handle.WhenDetached.WaitAsync(Guard));
        Assert.Empty(session.Handles);
        Assert.DoesNotContain(handle.Id, await admin.ListHandlesAsync(session.Id));

        await session.DestroyAsync();
        var end = await session.WhenEnded.WaitAsync(Guard);
        Assert.Equal(JanusSessionEndKind.Destroyed, end.Kind);
        Assert.DoesNotContain(session.Id, await admin.ListSessionsAsync());
        var gone = await Assert.ThrowsAsync<JanusApiException>(() => admin.ListHandlesAsync(session.Id));
        Assert.Equal(JanusErrorCode.SessionNotFound, gone.Code);
        Assert.Equal(0, client.Malformed);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task Destroy_ManySessionsInARow_EachEndsDestroyedWithNothingMalformedOrLeft(JanusTransportKind kind)
    {
        // Janus forgets a session before it answers 'destroy'; over HTTP a long-poll re-issued in that window (after a
        // 'detached' event, say) is refused with a bare 404. Our own destroy must still end the session Destroyed and
        // the refusal must not count as malformed (it did in about 1 destroy in 12 here before the fix).
        using var admin = new JanusAdminClient(_janus.AdminUrl, _janus.Secrets.AdminSecret);
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        var ends = new List<JanusSessionEndKind>();
        var ids = new List<long>();
        for (int i = 0; i < 100; i++)
        {
            var session = await client.CreateSessionAsync();
            var handle = await session.AttachAsync(JanusPlugins.EchoTest);
            await handle.DetachAsync(); // Its 'detached' event ends the pending poll: the next one races the destroy.
            await session.DestroyAsync();
            ends.Add((await session.WhenEnded.WaitAsync(Guard)).Kind);
            ids.Add(session.Id);
        }

        Assert.All(ends, end => Assert.Equal(JanusSessionEndKind.Destroyed, end));
        Assert.Equal(0, client.Malformed);
        Assert.Empty((await admin.ListSessionsAsync()).Intersect(ids));
    }

    [Fact]
    public async Task LongPoll_SessionJanusDoesNotKnow_Http_Bare404IsSessionNotFoundNotMalformed()
    {
        // Janus's HTTP transport refuses a long-poll for a session it no longer knows with a bare 404 (no body). It
        // happens after a destroy, a timeout or a restart, and races our own destroy (a poll re-issued after Janus
        // forgot the session, before its reply to the destroy): it is Janus's "no such session", not bad bytes.
        await using var transport = new JanusHttpTransport(_janus.HttpUrl, apiSecret: null, token: null, maxEvents: 10, TimeSpan.FromSeconds(40), NullLogger.Instance);
        var sink = new RecordingSink();
        transport.Subscribe(Random.Shared.NextInt64(1, long.MaxValue), sink);
        var lost = Assert.IsType<JanusApiException>(await sink.Lost.Task.WaitAsync(Guard));
        Assert.Equal((JanusErrorCode.SessionNotFound, "long-poll"), (lost.Code, lost.Request));
        Assert.Equal(0, transport.Malformed);
        Assert.Equal(0, sink.Events);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task Attach_PluginNotLoaded_ThrowsPluginNotFound460(JanusTransportKind kind)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        await using var session = await client.CreateSessionAsync();
        var error = await Assert.ThrowsAsync<JanusApiException>(() => session.AttachAsync("janus.plugin.streaming"));
        Assert.Equal(JanusErrorCode.PluginNotFound, error.Code);
        Assert.Equal(460, error.RawCode);
        Assert.Contains("janus.plugin.streaming", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task VideoRoom_CreateJoinDestroy_SyncAndAsyncRepliesAndTheDestroyedEvent(JanusTransportKind kind)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.VideoRoom);
        long room = Random.Shared.NextInt64(1, 1L << 40);
        string secret = JanusSecrets.New();

        string badKey = JanusSecrets.New();
        var refused = await Assert.ThrowsAsync<JanusPluginException>(() => handle.SendAsync(new VideoRoomCreateRoom { Room = room, AdminKey = badKey }));
        Assert.Equal(433, refused.ErrorCode);
        Assert.Contains("admin_key", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(badKey, refused.Message, StringComparison.Ordinal);

        var created = await handle.SendAsync(new VideoRoomCreateRoom { Room = room, Secret = secret, AdminKey = _janus.Secrets.VideoRoomAdminKey, Publishers = 2 });
        Assert.Equal(("created", room), (created.GetString("videoroom"), created.GetInt64("room") ?? 0));

        var reply = await handle.SendAsync(new VideoRoomJoinPublisher { Room = room, Display = "echo" }); // ack, then the event
        Assert.True(VideoRoomJoined.TryRead(reply, out var joined), reply.Data.GetRawText());
        Assert.Equal(room, joined!.Room);
        Assert.Empty(joined.Publishers);
        var listed = await handle.SendAsync(JanusRoomQuery.ListParticipants(room));
        Assert.Contains(joined.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), listed.Data.GetRawText(), StringComparison.Ordinal);

        var wrongSecret = await Assert.ThrowsAsync<JanusPluginException>(() => handle.SendAsync(new JanusRoomDestroy { Room = room, Secret = "nope" }));
        Assert.Equal((JanusPlugins.VideoRoom, 433), (wrongSecret.Plugin, wrongSecret.ErrorCode));
        var destroyed = await handle.SendAsync(new JanusRoomDestroy { Room = room, Secret = secret });
        Assert.Equal("destroyed", destroyed.GetString("videoroom"));

        // Everyone in the room is told, us included: an event that answers no request.
        var told = await handle.NextPluginEventAsync().WaitAsync(Guard);
        Assert.Equal("destroyed", told.PluginData is { } data ? JanusMessageReader.StringOf(data, "videoroom") : null);
        var exists = await handle.SendAsync(JanusRoomQuery.Exists(room));
        Assert.False(exists.GetBoolean("exists"));
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task TextRoom_SetupThenHangup_OffersDataOnlyActpassAndDetachesCleanly(JanusTransportKind kind)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.TextRoom);
        var list = await handle.SendAsync(JanusRoomQuery.List()); // synchronous
        Assert.Equal("success", list.GetString("textroom"));

        var offer = await handle.SendAsync(new TextRoomSetup()); // asynchronous: ack, then the event with Janus's offer
        Assert.Equal("ok", offer.GetString("result"));
        Assert.NotNull(offer.Jsep);
        Assert.True(offer.Jsep!.IsOffer);
        Assert.Contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", offer.Jsep.Sdp, StringComparison.Ordinal);
        Assert.Contains("a=setup:actpass", offer.Jsep.Sdp, StringComparison.Ordinal);
        Assert.Contains($" {_janus.ServerAddress} ", offer.Jsep.Sdp, StringComparison.Ordinal); // the veth, never loopback

        var again = await Assert.ThrowsAsync<JanusPluginException>(() => handle.SendAsync(new TextRoomSetup()));
        Assert.Equal(416, again.ErrorCode); // Already set up.
        await handle.DetachAsync();
        Assert.Empty(session.Handles);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task Trickle_BeforeAnySdp_JanusAcceptsCandidatesAndTheEndMarker(JanusTransportKind kind)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.EchoTest);
        await handle.TrickleAsync(JanusCandidate.For($"a=candidate:1 1 udp 2130706431 {_janus.ClientAddress} 50000 typ host"));
        await handle.TrickleAsync([JanusCandidate.For($"candidate:2 1 udp 2130706430 {_janus.ClientAddress} 50001 typ host")]);
        await handle.TrickleCompletedAsync();
        await handle.DetachAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => handle.TrickleCompletedAsync()); // A gone handle is a caller bug.
    }

    private sealed class RecordingSink : IJanusEventSink
    {
        public TaskCompletionSource<JanusException> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Events { get; private set; }

        public void OnEvent(JanusMessage message) => Events++;

        public void OnLost(JanusException reason) => Lost.TrySetResult(reason);
    }
}

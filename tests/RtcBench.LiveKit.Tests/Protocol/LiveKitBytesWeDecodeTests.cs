using System.Text;
using System.Text.Json.Nodes;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Protocol;
using static RtcBench.LiveKit.Tests.Protocol.LiveKitProtocolScripts;

namespace RtcBench.LiveKit.Tests.Protocol;

/// <summary>
/// Wire check, LiveKit's side writing: messages encoded by LiveKit's own @livekit/protocol (npm) are decoded by our
/// generated parser and our <see cref="DataPacketReader"/>, field by field. Fields and oneof cases we do not model
/// (tracks, codecs, speakers, published tracks, chat) are in the bytes too, and must be skipped.
/// </summary>
public sealed class LiveKitBytesWeDecodeTests
{
    private const string Sdp = "v=0\r\no=- 7 2 IN IP4 203.0.113.9\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n";

    [Fact]
    public async Task SignalResponse_JoinFromLiveKit_GeneratedParserReadsEveryFieldWeUse()
    {
        var bytes = await EncodeAsync(("SignalResponse", """
            {"join":{
              "room":{"sid":"RM_abc","name":"bench-1","emptyTimeout":300,"departureTimeout":20,"maxParticipants":10,
                      "creationTime":"1700000000","creationTimeMs":"1700000000123","metadata":"m","numParticipants":2,
                      "enabledCodecs":[{"mime":"audio/opus"}]},
              "participant":{"sid":"PA_me","identity":"runner","state":"JOINED","name":"Runner","joinedAtMs":"1700000000100",
                             "permission":{"canSubscribe":true,"canPublishData":true},"kind":"STANDARD","attributes":{"k":"v"}},
              "otherParticipants":[{"sid":"PA_echo","identity":"echo","state":"ACTIVE","kind":"AGENT",
                                    "tracks":[{"sid":"TR_1","type":"AUDIO","name":"mic"}]}],
              "serverVersion":"1.9.0",
              "iceServers":[{"urls":["turn:198.51.100.1:3478?transport=udp","turns:eu.turn.example:443?transport=tcp"],"username":"u","credential":"c"}],
              "subscriberPrimary":true,
              "clientConfiguration":{"forceRelay":"ENABLED","resumeConnection":"DISABLED"},
              "serverRegion":"old-region",
              "pingTimeout":15,"pingInterval":5,
              "serverInfo":{"edition":"Cloud","version":"1.9.1","protocol":16,"region":"eu-central","nodeId":"ND_abc","debugInfo":"d","agentProtocol":1},
              "enabledPublishCodecs":[{"mime":"video/vp8"}],
              "fastPublish":true}}
            """));

        var response = SignalResponse.Parser.ParseFrom(bytes[0]);

        Assert.Equal(SignalResponse.MessageOneofCase.Join, response.MessageCase);
        var join = response.Join;
        Assert.Equal(("RM_abc", "bench-1", 300u, 20u, 10u), (join.Room.Sid, join.Room.Name, join.Room.EmptyTimeout, join.Room.DepartureTimeout, join.Room.MaxParticipants));
        Assert.Equal((1_700_000_000L, 1_700_000_000_123L, "m", 2u), (join.Room.CreationTime, join.Room.CreationTimeMs, join.Room.Metadata, join.Room.NumParticipants));
        Assert.Equal(("PA_me", "runner", ParticipantInfo.Types.State.Joined, "Runner", 1_700_000_000_100L),
            (join.Participant.Sid, join.Participant.Identity, join.Participant.State, join.Participant.Name, join.Participant.JoinedAtMs));
        Assert.True(join.Participant.Permission.CanSubscribe);
        Assert.True(join.Participant.Permission.CanPublishData);
        Assert.False(join.Participant.Permission.CanPublish);
        Assert.Equal("v", join.Participant.Attributes["k"]);
        var other = Assert.Single(join.OtherParticipants);
        Assert.Equal(("PA_echo", "echo", ParticipantInfo.Types.State.Active, ParticipantInfo.Types.Kind.Agent), (other.Sid, other.Identity, other.State, other.Kind));
        var ice = Assert.Single(join.IceServers);
        Assert.Equal(["turn:198.51.100.1:3478?transport=udp", "turns:eu.turn.example:443?transport=tcp"], ice.Urls);
        Assert.Equal(("u", "c"), (ice.Username, ice.Credential));
        Assert.True(join.SubscriberPrimary);
        Assert.Equal(ClientConfigSetting.Enabled, join.ClientConfiguration.ForceRelay);
        Assert.Equal((15, 5), (join.PingTimeout, join.PingInterval));
#pragma warning disable CS0612 // the deprecated fields, still sent
        Assert.Equal(("1.9.0", "old-region"), (join.ServerVersion, join.ServerRegion));
#pragma warning restore CS0612
        var info = join.ServerInfo;
        Assert.Equal((ServerInfo.Types.Edition.Cloud, "1.9.1", 16, "eu-central", "ND_abc", "d", 1),
            (info.Edition, info.Version, info.Protocol, info.Region, info.NodeId, info.DebugInfo, info.AgentProtocol));
        Assert.True(join.FastPublish);
    }

    [Fact]
    public async Task SignalResponse_OfferAnswerTrickleFromLiveKit_GeneratedParserReadsThem()
    {
        const string init = """{"candidate":"candidate:9 1 udp 2130706431 203.0.113.9 7882 typ host","sdpMid":"0","sdpMLineIndex":0}""";
        var bytes = await EncodeAsync(
            ("SignalResponse", new JsonObject { ["offer"] = new JsonObject { ["type"] = "offer", ["sdp"] = Sdp, ["id"] = 2 } }.ToJsonString()),
            ("SignalResponse", new JsonObject { ["answer"] = new JsonObject { ["type"] = "answer", ["sdp"] = Sdp, ["id"] = 1, ["midToTrackId"] = new JsonObject { ["0"] = "TR_x" } } }.ToJsonString()),
            ("SignalResponse", new JsonObject { ["trickle"] = new JsonObject { ["candidateInit"] = init, ["target"] = "SUBSCRIBER", ["final"] = true } }.ToJsonString()));

        var offer = SignalResponse.Parser.ParseFrom(bytes[0]);
        var answer = SignalResponse.Parser.ParseFrom(bytes[1]);
        var trickle = SignalResponse.Parser.ParseFrom(bytes[2]);

        Assert.Equal(SignalResponse.MessageOneofCase.Offer, offer.MessageCase);
        Assert.Equal(("offer", Sdp, 2u), (offer.Offer.Type, offer.Offer.Sdp, offer.Offer.Id));
        Assert.Equal(SignalResponse.MessageOneofCase.Answer, answer.MessageCase);
        Assert.Equal(("answer", Sdp, 1u, "TR_x"), (answer.Answer.Type, answer.Answer.Sdp, answer.Answer.Id, answer.Answer.MidToTrackId["0"]));
        Assert.Equal(SignalResponse.MessageOneofCase.Trickle, trickle.MessageCase);
        Assert.Equal((init, SignalTarget.Subscriber, true), (trickle.Trickle.CandidateInit, trickle.Trickle.Target, trickle.Trickle.Final));
        Assert.True(RtcBench.LiveKit.Signalling.TrickleCandidate.TryParse(trickle.Trickle.CandidateInit, out string candidate));
        Assert.Equal("candidate:9 1 udp 2130706431 203.0.113.9 7882 typ host", candidate);
    }

    [Fact]
    public async Task SignalResponse_UpdateWithDisconnectedParticipant_GeneratedParserReadsStateAndReason()
    {
        var bytes = await EncodeAsync(("SignalResponse", """
            {"update":{"participants":[
              {"sid":"PA_echo","identity":"echo","state":"DISCONNECTED","disconnectReason":"CLIENT_INITIATED","version":7},
              {"sid":"PA_new","identity":"new","state":"JOINING","isPublisher":true,"region":"us-east"}]}}
            """));

        var response = SignalResponse.Parser.ParseFrom(bytes[0]);

        Assert.Equal(SignalResponse.MessageOneofCase.Update, response.MessageCase);
        Assert.Equal(2, response.Update.Participants.Count);
        var gone = response.Update.Participants[0];
        Assert.Equal(("PA_echo", "echo", ParticipantInfo.Types.State.Disconnected, DisconnectReason.ClientInitiated, 7u),
            (gone.Sid, gone.Identity, gone.State, gone.DisconnectReason, gone.Version));
        var joining = response.Update.Participants[1];
        Assert.Equal(("PA_new", "new", ParticipantInfo.Types.State.Joining, true, "us-east"),
            (joining.Sid, joining.Identity, joining.State, joining.IsPublisher, joining.Region));
    }

    [Fact]
    public async Task SignalResponse_LeaveFromLiveKit_GeneratedParserReadsReasonActionAndRegions()
    {
        var bytes = await EncodeAsync(
            ("SignalResponse", """{"leave":{"reason":"ROOM_DELETED","action":"DISCONNECT"}}"""),
            ("SignalResponse", """{"leave":{"canReconnect":true,"reason":"MIGRATION","action":"RESUME","regions":{"regions":[{"region":"us-west","url":"wss://usw.example","distance":"42"}]}}}"""));

        var deleted = SignalResponse.Parser.ParseFrom(bytes[0]);
        var migrate = SignalResponse.Parser.ParseFrom(bytes[1]);

        Assert.Equal(SignalResponse.MessageOneofCase.Leave, deleted.MessageCase);
        Assert.Equal((DisconnectReason.RoomDeleted, LeaveRequest.Types.Action.Disconnect), (deleted.Leave.Reason, deleted.Leave.Action));
        Assert.Equal((DisconnectReason.Migration, LeaveRequest.Types.Action.Resume), (migrate.Leave.Reason, migrate.Leave.Action));
#pragma warning disable CS0612
        Assert.True(migrate.Leave.CanReconnect);
#pragma warning restore CS0612
        var region = Assert.Single(migrate.Leave.Regions.Regions);
        Assert.Equal(("us-west", "wss://usw.example", 42L), (region.Region, region.Url, region.Distance));
    }

    [Fact]
    public async Task SignalResponse_PongsAndRefreshToken_GeneratedParserReadsThem()
    {
        var bytes = await EncodeAsync(
            ("SignalResponse", """{"pongResp":{"lastPingTimestamp":"1700000000123","timestamp":"1700000000456"}}"""),
            ("SignalResponse", """{"pong":"1700000000789"}"""),
            ("SignalResponse", """{"refreshToken":"eyJhbGciOiJIUzI1NiJ9.e30.sig"}"""));

        var pongResp = SignalResponse.Parser.ParseFrom(bytes[0]);
        var pong = SignalResponse.Parser.ParseFrom(bytes[1]);
        var refresh = SignalResponse.Parser.ParseFrom(bytes[2]);

        Assert.Equal(SignalResponse.MessageOneofCase.PongResp, pongResp.MessageCase);
        Assert.Equal((1_700_000_000_123L, 1_700_000_000_456L), (pongResp.PongResp.LastPingTimestamp, pongResp.PongResp.Timestamp));
        Assert.Equal(SignalResponse.MessageOneofCase.Pong, pong.MessageCase);
        Assert.Equal(1_700_000_000_789L, pong.Pong);
        Assert.Equal(SignalResponse.MessageOneofCase.RefreshToken, refresh.MessageCase);
        Assert.Equal("eyJhbGciOiJIUzI1NiJ9.e30.sig", refresh.RefreshToken);
    }

    [Fact]
    public async Task SignalResponse_OneofCasesWeDoNotModel_AreSkippedAndALaterCaseStillRead()
    {
        var bytes = await EncodeAsync(
            ("SignalResponse", """{"speakersChanged":{"speakers":[{"sid":"PA_1","level":0.5,"active":true}]}}"""),
            ("SignalResponse", """{"trackPublished":{"cid":"c1","track":{"sid":"TR_1","type":"DATA","name":"t","muted":true}}}"""),
            ("SignalResponse", """{"pongResp":{"lastPingTimestamp":"5","timestamp":"6"}}"""));

        var speakers = SignalResponse.Parser.ParseFrom(bytes[0]);
        var published = SignalResponse.Parser.ParseFrom(bytes[1]);
        // Protobuf merges concatenated messages and the last oneof case wins: the unknown case is skipped on the way.
        var thenPong = SignalResponse.Parser.ParseFrom([.. bytes[1], .. bytes[0], .. bytes[2]]);

        Assert.Equal(SignalResponse.MessageOneofCase.None, speakers.MessageCase);
        Assert.Equal(SignalResponse.MessageOneofCase.None, published.MessageCase);
        Assert.Equal(SignalResponse.MessageOneofCase.PongResp, thenPong.MessageCase);
        Assert.Equal((5L, 6L), (thenPong.PongResp.LastPingTimestamp, thenPong.PongResp.Timestamp));
    }

    [Fact]
    public async Task DataPacket_ServerStampedFromLiveKit_GeneratedParserAndReaderAgree()
    {
        var bytes = await EncodeAsync(("DataPacket", """
            {"kind":"LOSSY","participantIdentity":"runner-ü","participantSid":"PA_runner","destinationIdentities":["echo"],
             "user":{"payload":"//4AgP8=","topic":"bench","nonce":"AAECAwQFBgcICQoLDA0ODw==","destinationIdentities":["echo"],"startTime":"5"},
             "sequence":7}
            """));

        var packet = DataPacket.Parser.ParseFrom(bytes[0]);
        Assert.True(DataPacketReader.TryRead(bytes[0], out var view));

        Assert.Equal(DataPacket.ValueOneofCase.User, packet.ValueCase);
        Assert.Equal(new byte[] { 0xFF, 0xFE, 0x00, 0x80, 0xFF }, packet.User.Payload.ToByteArray());
        Assert.Equal(("runner-ü", "PA_runner", 7u, "bench"), (packet.ParticipantIdentity, packet.ParticipantSid, packet.Sequence, packet.User.Topic));
        Assert.Equal(["echo"], packet.DestinationIdentities);
#pragma warning disable CS0612
        Assert.Equal(DataPacket.Types.Kind.Lossy, packet.Kind);
#pragma warning restore CS0612
        Assert.True(view.IsUser);
        Assert.Equal(1, view.Kind);
        Assert.Equal(new byte[] { 0xFF, 0xFE, 0x00, 0x80, 0xFF }, view.Payload.ToArray());
        Assert.Equal("runner-ü", Encoding.UTF8.GetString(view.SenderIdentity));
        Assert.Equal("PA_runner", Encoding.UTF8.GetString(view.SenderSid));
        Assert.Equal(7u, view.Sequence);
    }

    [Fact]
    public async Task DataPacket_EmptyReliablePayloadFromLiveKit_ReaderSeesAnEmptyUserPacket()
    {
        var bytes = await EncodeAsync(("DataPacket", """{"participantIdentity":"echo","participantSid":"PA_echo","user":{}}"""));

        Assert.True(DataPacketReader.TryRead(bytes[0], out var view));

        Assert.True(view.IsUser);
        Assert.Equal(0, view.Kind);
        Assert.True(view.Payload.IsEmpty);
        Assert.Equal("echo", Encoding.UTF8.GetString(view.SenderIdentity));
        Assert.Equal(0u, view.Sequence);
        Assert.Equal(DataPacket.ValueOneofCase.User, DataPacket.Parser.ParseFrom(bytes[0]).ValueCase);
    }

    [Fact]
    public async Task DataPacket_ChatAndRpcFromLiveKit_AreNotUserPackets()
    {
        var bytes = await EncodeAsync(
            ("DataPacket", """{"participantIdentity":"a","chatMessage":{"id":"c1","timestamp":"1","message":"hi"}}"""),
            ("DataPacket", """{"participantIdentity":"a","rpcRequest":{"id":"r1","method":"m","payload":"p","responseTimeoutMs":1000,"version":1}}"""));

        foreach (byte[] wire in bytes)
        {
            Assert.True(DataPacketReader.TryRead(wire, out var view));
            Assert.False(view.IsUser);
            Assert.Equal("a", Encoding.UTF8.GetString(view.SenderIdentity));
            Assert.Equal(DataPacket.ValueOneofCase.None, DataPacket.Parser.ParseFrom(wire).ValueCase);
        }
    }
}

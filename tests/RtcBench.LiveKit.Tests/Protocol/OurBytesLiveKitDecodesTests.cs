using System.Text.Json.Nodes;
using Google.Protobuf;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;
using static RtcBench.LiveKit.Tests.Protocol.LiveKitProtocolScripts;

namespace RtcBench.LiveKit.Tests.Protocol;

/// <summary>
/// Wire check, our side writing: bytes from our generated types and our <see cref="DataPacketWriter"/> are decoded by
/// LiveKit's own @livekit/protocol (npm). Each test compares LiveKit's whole protojson view of the message (its field
/// names: a field at a wrong number would show up under another name or as an unknown field) and asserts that LiveKit
/// found no field it does not know.
/// </summary>
public sealed class OurBytesLiveKitDecodesTests
{
    private const string Sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n";

    [Fact]
    public async Task SignalRequest_OfferAndAnswerWithIds_LiveKitReadsTypeSdpAndId()
    {
        var decoded = await DecodeAsync(
            Request(new SignalRequest { Offer = new SessionDescription { Type = "offer", Sdp = Sdp, Id = 1 } }),
            Request(new SignalRequest { Answer = new SessionDescription { Type = "answer", Sdp = Sdp, Id = 300 } }));

        Assert.Equal("offer", decoded[0].Case);
        AssertJson(new JsonObject { ["offer"] = new JsonObject { ["type"] = "offer", ["sdp"] = Sdp, ["id"] = 1 } }.ToJsonString(), decoded[0].Json);
        Assert.Equal("answer", decoded[1].Case);
        AssertJson(new JsonObject { ["answer"] = new JsonObject { ["type"] = "answer", ["sdp"] = Sdp, ["id"] = 300 } }.ToJsonString(), decoded[1].Json);
        Assert.All(decoded, d => Assert.Empty(d.UnknownFields));
    }

    [Fact]
    public async Task SignalRequest_TrickleBothTargets_LiveKitReadsCandidateInitTargetAndFinal()
    {
        const string candidate = "candidate:1 1 udp 2130706431 192.0.2.7 50000 typ host";
        string subscriberInit = TrickleCandidate.ToJson(candidate, "0", 0, "uFrag");
        string publisherInit = TrickleCandidate.ToJson(candidate, null, 0, null);

        var decoded = await DecodeAsync(
            Request(new SignalRequest { Trickle = new TrickleRequest { CandidateInit = subscriberInit, Target = SignalTarget.Subscriber, Final = true } }),
            Request(new SignalRequest { Trickle = new TrickleRequest { CandidateInit = publisherInit, Target = SignalTarget.Publisher } }));

        Assert.Equal("trickle", decoded[0].Case);
        AssertJson(new JsonObject
        {
            ["trickle"] = new JsonObject { ["candidateInit"] = subscriberInit, ["target"] = "SUBSCRIBER", ["final"] = true },
        }.ToJsonString(), decoded[0].Json);
        AssertJson(
            """{"candidate":"candidate:1 1 udp 2130706431 192.0.2.7 50000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"uFrag"}""",
            JsonNode.Parse((string)decoded[0].Json["trickle"]!["candidateInit"]!)!);

        // PUBLISHER is 0 and final false: proto3 leaves both off the wire, and LiveKit reads the defaults.
        AssertJson(new JsonObject { ["trickle"] = new JsonObject { ["candidateInit"] = publisherInit } }.ToJsonString(), decoded[1].Json);
        AssertJson("""{"candidate":"candidate:1 1 udp 2130706431 192.0.2.7 50000 typ host","sdpMLineIndex":0}""",
            JsonNode.Parse((string)decoded[1].Json["trickle"]!["candidateInit"]!)!);
        Assert.All(decoded, d => Assert.Empty(d.UnknownFields));
    }

    [Fact]
    public async Task SignalRequest_Leave_LiveKitReadsReasonActionAndRegions()
    {
        var ours = new LeaveRequest { Reason = DisconnectReason.ClientInitiated, Action = LeaveRequest.Types.Action.Disconnect };
#pragma warning disable CS0612 // can_reconnect: deprecated, still on the wire.
        var every = new LeaveRequest
        {
            CanReconnect = true,
            Reason = DisconnectReason.SignalClose,
            Action = LeaveRequest.Types.Action.Reconnect,
            Regions = new RegionSettings { Regions = { new RegionInfo { Region = "eu-central", Url = "wss://eu.example", Distance = 1234567890123 } } },
        };
#pragma warning restore CS0612

        var decoded = await DecodeAsync(Request(new SignalRequest { Leave = ours }), Request(new SignalRequest { Leave = every }));

        Assert.Equal("leave", decoded[0].Case);
        AssertJson("""{"leave":{"reason":"CLIENT_INITIATED"}}""", decoded[0].Json); // action DISCONNECT is 0, the default
        AssertJson(
            """{"leave":{"canReconnect":true,"reason":"SIGNAL_CLOSE","action":"RECONNECT","regions":{"regions":[{"region":"eu-central","url":"wss://eu.example","distance":"1234567890123"}]}}}""",
            decoded[1].Json);
        Assert.All(decoded, d => Assert.Empty(d.UnknownFields));
    }

    [Fact]
    public async Task SignalRequest_PingReqAndLegacyPing_LiveKitReadsTimestampAndRtt()
    {
        var decoded = await DecodeAsync(
            Request(new SignalRequest { PingReq = new Ping { Timestamp = 1_700_000_000_123, Rtt = 42 } }),
            Request(new SignalRequest { Ping = 1_700_000_000_456 }));

        Assert.Equal("pingReq", decoded[0].Case);
        AssertJson("""{"pingReq":{"timestamp":"1700000000123","rtt":"42"}}""", decoded[0].Json);
        Assert.Equal("ping", decoded[1].Case);
        AssertJson("""{"ping":"1700000000456"}""", decoded[1].Json);
        Assert.All(decoded, d => Assert.Empty(d.UnknownFields));
    }

    [Fact]
    public async Task DataPacket_GeneratedTypeWithNonUtf8Payload_LiveKitReadsEveryField()
    {
#pragma warning disable CS0612 // kind: deprecated, still on the wire.
        var packet = new DataPacket
        {
            Kind = DataPacket.Types.Kind.Lossy,
            DestinationIdentities = { "echo", "b" },
            User = new UserPacket { Payload = ByteString.CopyFrom(0xFF, 0xFE, 0x00, 0x80), Topic = "bench" },
            Sequence = 9,
        };
#pragma warning restore CS0612

        var decoded = (await DecodeAsync(("DataPacket", packet.ToByteArray())))[0];

        Assert.Equal("user", decoded.Case);
        Assert.Equal("fffe0080", decoded.PayloadHex);
        AssertJson("""{"kind":"LOSSY","destinationIdentities":["echo","b"],"user":{"payload":"//4AgA==","topic":"bench"},"sequence":9}""", decoded.Json);
        Assert.Empty(decoded.UnknownFields);
    }

    [Fact]
    public async Task DataPacketWriter_ReliableNonUtf8PayloadToOneIdentity_LiveKitReadsPayloadDestinationsAndSequence()
    {
        var buffer = new byte[DataPacketWriter.MaxPacketBytes];
        int length = DataPacketWriter.Write(buffer, LiveKitDataKind.Reliable, [0xC3, 0x28, 0xFF, 0x00, 0x01], "echo-ü", sequence: 300);

        var decoded = (await DecodeAsync(("DataPacket", buffer[..length])))[0];

        Assert.Equal("user", decoded.Case);
        Assert.Equal("c328ff0001", decoded.PayloadHex);
        // The destination at both places the server reads it; kind RELIABLE is 0, so left off the wire.
        AssertJson("""{"destinationIdentities":["echo-ü"],"user":{"payload":"wyj/AAE=","destinationIdentities":["echo-ü"]},"sequence":300}""", decoded.Json);
        Assert.Empty(decoded.UnknownFields);
    }

    [Fact]
    public async Task DataPacketWriter_EmptyLossyPayloadToEveryone_LiveKitReadsAnEmptyUserPacket()
    {
        var buffer = new byte[DataPacketWriter.MaxPacketBytes];
        int length = DataPacketWriter.Write(buffer, LiveKitDataKind.Lossy, [], string.Empty, sequence: 0);

        var decoded = (await DecodeAsync(("DataPacket", buffer[..length])))[0];

        Assert.Equal("user", decoded.Case);
        Assert.Equal(string.Empty, decoded.PayloadHex);
        AssertJson("""{"kind":"LOSSY","user":{}}""", decoded.Json);
        Assert.Empty(decoded.UnknownFields);
    }

    [Fact]
    public async Task DataPacketWriter_LargestPayloadAndThreeByteSequence_LiveKitReadsThemWhole()
    {
        byte[] payload = [.. Enumerable.Range(0, DataPacketWriter.MaxPayloadBytes).Select(i => (byte)(i * 7))];
        var buffer = new byte[DataPacketWriter.MaxPacketBytes];
        int length = DataPacketWriter.Write(buffer, LiveKitDataKind.Reliable, payload, "e", sequence: 2_000_000);

        var decoded = (await DecodeAsync(("DataPacket", buffer[..length])))[0];

        Assert.Equal(Convert.ToHexStringLower(payload), decoded.PayloadHex);
        Assert.Equal(2_000_000, (int)decoded.Json["sequence"]!);
        Assert.Equal(["e"], decoded.Json["destinationIdentities"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(decoded.UnknownFields);
    }

    private static (string, byte[]) Request(SignalRequest request) => ("SignalRequest", request.ToByteArray());
}

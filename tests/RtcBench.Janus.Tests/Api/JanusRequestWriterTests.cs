using System.Text.Json;
using RtcBench.Janus.Api;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.EchoTest;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Plugins.VideoRoom;

namespace RtcBench.Janus.Tests.Api;

public sealed class JanusRequestWriterTests
{
    private static JsonElement Write(JanusRequest request, string? secret = null, string? token = null, bool idsInBody = false) =>
        JsonDocument.Parse(JanusRequestWriter.Write(request, secret, token, idsInBody)).RootElement.Clone();

    [Fact]
    public void Write_MessageWithJsep_BodyAndJsepAsJanusWantsThem()
    {
        var json = Write(new JanusRequest("message", "tx1") { SessionId = 1, HandleId = 2, Body = EchoTestRequest.DataOnly, Jsep = JanusJsep.Offer("v=0\r\n") });
        Assert.Equal("""{"janus":"message","transaction":"tx1","body":{"audio":false,"video":false},"jsep":{"type":"offer","sdp":"v=0\r\n"}}""", json.GetRawText());
    }

    [Fact]
    public void Write_WebSocket_SessionAndHandleIdsAreMembers()
    {
        var json = Write(new JanusRequest("hangup", "tx") { SessionId = 11, HandleId = 22 }, idsInBody: true);
        Assert.Equal((11L, 22L), (json.GetProperty("session_id").GetInt64(), json.GetProperty("handle_id").GetInt64()));
        var http = Write(new JanusRequest("hangup", "tx") { SessionId = 11, HandleId = 22 });
        Assert.False(http.TryGetProperty("session_id", out _)); // On HTTP they are the URL path.
    }

    [Fact]
    public void Write_Credentials_ApiSecretAndTokenInEveryRequest()
    {
        var json = Write(new JanusRequest("create", "tx"), secret: "s3cret", token: "t0ken");
        Assert.Equal(("s3cret", "t0ken"), (json.GetProperty("apisecret").GetString(), json.GetProperty("token").GetString()));
        Assert.False(Write(new JanusRequest("create", "tx")).TryGetProperty("apisecret", out _));
    }

    [Fact]
    public void Write_Attach_PluginAndOpaqueId()
    {
        var json = Write(new JanusRequest("attach", "tx") { SessionId = 1, Plugin = "janus.plugin.textroom", OpaqueId = "o" });
        Assert.Equal(("janus.plugin.textroom", "o"), (json.GetProperty("plugin").GetString(), json.GetProperty("opaque_id").GetString()));
    }

    [Fact]
    public void Write_Trickle_OneCandidateSeveralAndTheEndMarker()
    {
        var one = Write(new JanusRequest("trickle", "tx") { Candidate = JanusCandidate.For("a=candidate:1 1 udp 1 10.0.0.1 5 typ host\r\n") });
        Assert.Equal("""{"candidate":"candidate:1 1 udp 1 10.0.0.1 5 typ host","sdpMid":"0","sdpMLineIndex":0}""", one.GetProperty("candidate").GetRawText());
        var many = Write(new JanusRequest("trickle", "tx") { Candidates = [JanusCandidate.For("candidate:1 1 udp 1 10.0.0.1 5 typ host"), JanusCandidate.EndOfCandidates] });
        Assert.Equal(2, many.GetProperty("candidates").GetArrayLength());
        Assert.Equal("""{"completed":true}""", many.GetProperty("candidates")[1].GetRawText());
    }

    [Fact]
    public void Write_PluginBodies_MembersJanusValidates()
    {
        var create = Write(new JanusRequest("message", "tx") { Body = new VideoRoomCreateRoom { Room = 7, Secret = "s", AdminKey = "k", Publishers = 2 } }).GetProperty("body");
        Assert.Equal("""{"request":"create","room":7,"secret":"s","admin_key":"k","publishers":2,"permanent":false}""", create.GetRawText());
        var sub = Write(new JanusRequest("message", "tx") { Body = new VideoRoomJoinSubscriber { Room = 7, Streams = [(42, "0"), (43, null)], PrivateId = 9 } }).GetProperty("body");
        Assert.Equal("""{"request":"join","ptype":"subscriber","room":7,"private_id":9,"streams":[{"feed":42,"mid":"0"},{"feed":43}]}""", sub.GetRawText());
        var pub = Write(new JanusRequest("message", "tx") { Body = new VideoRoomJoinPublisher { Room = 7, Display = "echo" } }).GetProperty("body");
        Assert.Equal("""{"request":"join","ptype":"publisher","room":7,"display":"echo"}""", pub.GetRawText());
        var setup = Write(new JanusRequest("message", "tx") { Body = new TextRoomSetup() }).GetProperty("body");
        Assert.Equal("""{"request":"setup"}""", setup.GetRawText());
        Assert.Equal("restart", new TextRoomSetup { Restart = true }.Request);
    }

    [Fact]
    public void RequestsWithSecrets_ToString_NeverShowsThem()
    {
        object[] requests =
        [
            new VideoRoomCreateRoom { Secret = "s3cret", AdminKey = "k3y", Pin = "p1n" },
            new TextRoomCreateRoom { Secret = "s3cret", AdminKey = "k3y", Pin = "p1n" },
            new JanusRoomDestroy { Room = 1, Secret = "s3cret" },
            new VideoRoomJoinPublisher { Room = 1, Token = "t0k", Pin = "p1n" },
            new JanusRequest("create", "tx"),
        ];
        foreach (var request in requests)
        {
            string text = request.ToString()!;
            Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
            Assert.DoesNotContain("k3y", text, StringComparison.Ordinal);
            Assert.DoesNotContain("p1n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("t0k", text, StringComparison.Ordinal);
        }
    }
}

using System.Text;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Tests.Api;

public sealed class JanusMessageReaderTests
{
    private static JanusMessage Read(string json)
    {
        Assert.True(JanusMessageReader.TryRead(Encoding.UTF8.GetBytes(json), out var message), json);
        return message!;
    }

    private static List<JanusMessage> ReadBatch(string json)
    {
        var list = new List<JanusMessage>();
        Assert.True(JanusMessageReader.TryReadBatch(Encoding.UTF8.GetBytes(json), list, out int malformed), json);
        Assert.Equal(0, malformed);
        return list;
    }

    [Fact]
    public void TryRead_CreateAndAttachSuccess_DataIdAndTransaction()
    {
        var created = Read(CapturedJanus.CreateSuccess);
        Assert.Equal((JanusMessageKind.Success, "t1", 6907966476009536L), (created.Kind, created.Transaction, created.DataId ?? 0));
        Assert.Null(created.SessionId);
        var attached = Read(CapturedJanus.AttachSuccess);
        Assert.Equal((6907966476009536L, 1350353090318520L), (attached.SessionId ?? 0, attached.DataId ?? 0));
    }

    [Fact]
    public void TryRead_SyncPluginSuccess_PluginAndDataFromSender()
    {
        var list = Read(CapturedJanus.TextRoomListSuccess);
        Assert.Equal(JanusMessageKind.Success, list.Kind);
        Assert.Equal(("janus.plugin.textroom", 1350353090318520L), (list.Plugin, list.Sender ?? 0));
        Assert.Equal("success", JanusMessageReader.StringOf(list.PluginData!.Value, "textroom"));
        Assert.Null(list.Jsep);
    }

    [Fact]
    public void TryRead_AckAndKeepalive_Kinds()
    {
        Assert.Equal(JanusMessageKind.Ack, Read(CapturedJanus.Ack).Kind);
        Assert.Equal(JanusMessageKind.Keepalive, Read(CapturedJanus.KeepaliveBatch).Kind);
    }

    [Fact]
    public void TryReadBatch_TextRoomOffer_EventWithJsepOfferAndTransaction()
    {
        var e = Assert.Single(ReadBatch(CapturedJanus.TextRoomOfferBatch));
        Assert.Equal((JanusMessageKind.Event, "t4", 1350353090318520L), (e.Kind, e.Transaction, e.Sender ?? 0));
        Assert.NotNull(e.Jsep);
        Assert.True(e.Jsep!.IsOffer);
        Assert.StartsWith("v=0\r\n", e.Jsep.Sdp, StringComparison.Ordinal);
        Assert.Contains("a=setup:actpass\r\n", e.Jsep.Sdp, StringComparison.Ordinal);
        Assert.Equal("jsep offer (" + e.Jsep.Sdp.Length + " chars)", e.Jsep.ToString()); // No SDP in logs.
    }

    [Theory]
    [InlineData(CapturedJanus.NoSuchPlugin, 460, JanusErrorCode.PluginNotFound, "No such plugin 'janus.plugin.nope'")]
    [InlineData(CapturedJanus.NoSuchSession, 458, JanusErrorCode.SessionNotFound, "No such session 123")]
    [InlineData(CapturedJanus.UnhandledRequest, 457, JanusErrorCode.InvalidRequestPath, "Unhandled request 'bogus' at this path")]
    [InlineData(CapturedJanus.InvalidJson, 454, JanusErrorCode.InvalidJson, "JSON error: on line 1: '[' or '{' expected near 'not'")]
    public void TryRead_Errors_CodeKindAndReason(string json, int code, JanusErrorCode kind, string reason)
    {
        var error = Read(json);
        Assert.Equal(JanusMessageKind.Error, error.Kind);
        Assert.Equal(new JanusError(code, reason), error.Error);
        Assert.Equal(kind, error.Error!.Value.Kind);
    }

    [Fact]
    public void JanusError_UnnamedCode_KindUnknownRawCodeKept()
    {
        var error = new JanusError(499, "new in a later Janus");
        Assert.Equal(JanusErrorCode.Unknown, error.Kind);
        Assert.Equal(499, new JanusApiException("x", error).RawCode);
    }

    [Fact]
    public void TryRead_HandleEvents_HangupWebRtcUpMediaSlowLinkDetached()
    {
        var hangup = Read(CapturedJanus.HangupDtlsAlert);
        Assert.Equal((JanusMessageKind.Hangup, "DTLS alert", 7101950970653204L), (hangup.Kind, hangup.Reason, hangup.Sender ?? 0));
        Assert.Equal(JanusMessageKind.WebRtcUp, Read(CapturedJanus.WebRtcUp).Kind);
        var media = Read(CapturedJanus.Media);
        Assert.Equal((JanusMessageKind.Media, "audio", "0", false), (media.Kind, media.Media, media.Mid, media.Receiving ?? true));
        var slow = Read(CapturedJanus.SlowLink);
        Assert.Equal((JanusMessageKind.SlowLink, "video", true, 42), (slow.Kind, slow.Media, slow.Uplink ?? false, slow.Lost ?? 0));
        var detached = Assert.Single(ReadBatch(CapturedJanus.Detached));
        Assert.Equal((JanusMessageKind.Detached, 293823651892651L), (detached.Kind, detached.Sender ?? 0));
    }

    [Fact]
    public void TryRead_SessionTimeout_SessionIdNoSender()
    {
        var timeout = Read(CapturedJanus.Timeout);
        Assert.Equal((JanusMessageKind.Timeout, 787485535595012L), (timeout.Kind, timeout.SessionId ?? 0));
        Assert.Null(timeout.Sender);
    }

    [Fact]
    public void TryReadBatch_TrickleEvents_CandidateThenCompleted()
    {
        var events = ReadBatch(CapturedJanus.TrickleBatch);
        Assert.Equal(2, events.Count);
        Assert.Equal(new JanusCandidate("candidate:1 1 udp 2015363327 10.99.1.1 40000 typ host", "0", 0), events[0].Candidate);
        Assert.Equal(JanusCandidate.EndOfCandidates, events[1].Candidate);
    }

    [Fact]
    public void TryRead_UnknownKind_OtherWithTheTextKept()
    {
        var other = Read("""{"janus":"claim-success","session_id":5}""");
        Assert.Equal((JanusMessageKind.Other, "claim-success"), (other.Kind, other.KindText));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"janus\"")]
    [InlineData("{}")]
    [InlineData("""{"janus":7}""")]
    [InlineData("""{"janus":"ack"} trailing""")]
    [InlineData("""{"janus":"ack",}""")]
    [InlineData("""{"janus":"ack" """)]
    public void TryRead_NotAJanusMessage_False(string json)
    {
        Assert.False(JanusMessageReader.TryRead(Encoding.UTF8.GetBytes(json), out var message));
        Assert.Null(message);
    }

    [Fact]
    public void TryRead_MalformedOptionalMembers_MessageKeptWithoutThem()
    {
        var m = Read("""{"janus":"event","session_id":"1","sender":1.5,"transaction":3,"jsep":{"type":"offer"},"error":"x","plugindata":{"plugin":1,"data":[]},"lost":-1,"candidate":"c"}""");
        Assert.Equal(JanusMessageKind.Event, m.Kind);
        Assert.Null(m.SessionId);
        Assert.Null(m.Sender);
        Assert.Null(m.Transaction);
        Assert.Null(m.Jsep);
        Assert.Null(m.Error);
        Assert.Null(m.Plugin);
        Assert.Null(m.PluginData);
        Assert.Null(m.Lost);
        Assert.Null(m.Candidate);
    }

    [Fact]
    public void TryReadBatch_BadItems_CountedGoodOnesKept()
    {
        var list = new List<JanusMessage>();
        Assert.True(JanusMessageReader.TryReadBatch("""[{"janus":"ack"},7,{"x":1},{"janus":"keepalive"}]"""u8, list, out int malformed));
        Assert.Equal(2, malformed);
        Assert.Equal([JanusMessageKind.Ack, JanusMessageKind.Keepalive], list.Select(m => m.Kind));
        Assert.False(JanusMessageReader.TryReadBatch("\"x\""u8, list, out _));
    }

    [Fact]
    public void TryRead_TooDeepOrTooBig_False()
    {
        string deep = """{"janus":"event","x":""" + new string('[', 100) + new string(']', 100) + "}";
        Assert.False(JanusMessageReader.TryRead(Encoding.UTF8.GetBytes(deep), out _));
        Assert.False(JanusMessageReader.TryRead(new byte[JanusMessageReader.MaxMessageBytes + 1], out _));
    }

    [Fact]
    public void ToString_NeverTheSdp()
    {
        var e = ReadBatch(CapturedJanus.TextRoomOfferBatch)[0];
        Assert.DoesNotContain("v=0", e.ToString(), StringComparison.Ordinal);
        Assert.Contains("t4", e.ToString(), StringComparison.Ordinal);
    }
}

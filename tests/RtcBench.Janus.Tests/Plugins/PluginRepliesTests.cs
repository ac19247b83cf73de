using System.Text;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Janus.Tests.Api;

namespace RtcBench.Janus.Tests.Plugins;

public sealed class PluginRepliesTests
{
    private static JanusMessage Read(string json)
    {
        var list = new List<JanusMessage>();
        Assert.True(JanusMessageReader.TryReadBatch(Encoding.UTF8.GetBytes(json), list, out _));
        return list[0];
    }

    [Fact]
    public void From_PluginErrorCode_JanusPluginExceptionWithTheCode()
    {
        var error = Assert.Throws<JanusPluginException>(() => JanusPluginReply.From(Read(CapturedJanus.VideoRoomWrongAdminKey), JanusPlugins.VideoRoom, "create"));
        Assert.Equal((JanusPlugins.VideoRoom, "create", 433, "Unauthorized (wrong admin_key)"), (error.Plugin, error.Request, error.ErrorCode, error.Error));
    }

    [Fact]
    public void From_NoPluginData_ProtocolException()
    {
        Assert.Throws<JanusProtocolException>(() => JanusPluginReply.From(Read(CapturedJanus.Ack), JanusPlugins.EchoTest, "x"));
    }

    [Fact]
    public void VideoRoomCreatedAndJoined_TypedFields()
    {
        var created = JanusPluginReply.From(Read(CapturedJanus.VideoRoomCreated), JanusPlugins.VideoRoom, "create");
        Assert.Equal(("created", 777L), (created.GetString("videoroom"), created.GetInt64("room") ?? 0));
        var reply = JanusPluginReply.From(Read(CapturedJanus.VideoRoomJoinedBatch), JanusPlugins.VideoRoom, "join");
        Assert.True(VideoRoomJoined.TryRead(reply, out var joined));
        Assert.Equal(new VideoRoomJoined(777, 5098868581023942, 2410384400, []), joined! with { Publishers = [] });
        Assert.False(VideoRoomJoined.TryRead(created, out _));
    }

    [Fact]
    public void VideoRoomPublishers_DataMidsFromStreams()
    {
        var e = Read("""{"janus":"event","sender":1,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"event","room":7,"publishers":[{"id":42,"display":"echo","streams":[{"type":"data","mindex":0,"mid":"0"}]},{"id":43,"streams":[{"type":"audio","mid":"0"}]},{"display":"no id"}]}}}""");
        var publishers = VideoRoomJoined.TryReadPublishers(e.PluginData!.Value);
        Assert.Equal(2, publishers.Count);
        Assert.Equal((42L, "echo", true), (publishers[0].Id, publishers[0].Display, publishers[0].PublishesData));
        Assert.Equal(["0"], publishers[0].DataMids);
        Assert.False(publishers[1].PublishesData);
    }

    [Fact]
    public void ServerInfo_Captured_VersionPluginsTransportsAndFlags()
    {
        Assert.True(JanusServerInfo.TryRead(Read(CapturedJanus.ServerInfo), out var info));
        Assert.Equal(("1.1.2", 1102L, true, false, 60L), (info!.Version, info.VersionNumber, info.DataChannels, info.IceLite, info.SessionTimeoutSeconds));
        Assert.Equal(["janus.plugin.videoroom", "janus.plugin.echotest", "janus.plugin.textroom"], info.Plugins);
        Assert.Equal(["janus.transport.http", "janus.transport.websockets"], info.Transports);
        Assert.False(JanusServerInfo.TryRead(Read(CapturedJanus.Ack), out _));
    }

    [Fact]
    public void TextRoomData_JoinMessageLeave_JsonTheTextRoomValidates()
    {
        Assert.Equal("""{"textroom":"join","transaction":"t","room":5,"username":"a","display":"A","history":false}""", Encoding.UTF8.GetString(TextRoomData.Join("t", 5, "a", "A", history: false)));
        Assert.Equal("""{"textroom":"message","transaction":"t","room":5,"text":"hi \u2713","to":"b","ack":false}""", Encoding.UTF8.GetString(TextRoomData.Message("t", 5, "hi ✓", to: "b", ack: false)));
        Assert.Equal("""{"textroom":"leave","transaction":"t","room":5}""", Encoding.UTF8.GetString(TextRoomData.Leave("t", 5)));
        Assert.Throws<ArgumentException>(() => TextRoomData.Join("", 5, "a"));
    }

    [Fact]
    public void TextRoomDataMessage_SuccessMessageErrorAndJunk()
    {
        Assert.True(TextRoomDataMessage.TryRead("""{"textroom":"success","transaction":"t","participants":[{"username":"b","display":"B"}]}"""u8, out var joined));
        Assert.Equal((true, "t"), (joined!.IsSuccess, joined.Transaction));
        Assert.Equal(["b"], joined.Participants);
        Assert.True(TextRoomDataMessage.TryRead("""{"textroom":"message","room":5,"from":"a","date":"2026-12-07T04:00:00+0000","text":"hi","whisper":true}"""u8, out var message));
        Assert.Equal(("a", "hi", 5L, true), (message!.From, message.Text, message.Room ?? 0, message.Whisper));
        Assert.True(TextRoomDataMessage.TryRead("""{"textroom":"error","transaction":"t","error_code":417,"error":"No such room (5)"}"""u8, out var error));
        Assert.Equal((true, 417), (error!.IsError, error.ErrorCode ?? 0));
        Assert.False(TextRoomDataMessage.TryRead("""{"janus":"event"}"""u8, out _));
        Assert.False(TextRoomDataMessage.TryRead("hi"u8, out _));
    }
}

using System.Text;
using RtcBench.Janus.Participants;
using RtcBench.Janus.Plugins.TextRoom;

namespace RtcBench.Janus.Tests.Participants;

public sealed class TextRoomEnvelopeTests
{
    private const string Ping = """{"v":1,"t":"ping","run":"0123456789abcdef0123456789abcdef","seq":7,"tx":123456789,"pad":"\u00e9\\x"}""";

    [Fact]
    public void Write_APing_AMessageTheTextRoomAcceptsWithThePingAsText()
    {
        using var envelope = new TextRoomEnvelope(42, "echo");
        string json = Encoding.UTF8.GetString(envelope.Write(Encoding.UTF8.GetBytes(Ping)));
        Assert.StartsWith("""{"textroom":"message","transaction":"m1","room":42,"to":"echo","ack":false,"text":"{\"v\":1""", json, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(Ping, doc.RootElement.GetProperty("text").GetString());
        Assert.Contains("\"transaction\":\"m2\"", Encoding.UTF8.GetString(envelope.Write("x"u8)), StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadMessage_WhatJanusRelays_TheTextUnescapedFromTheExpectedSenderOnly()
    {
        string relayed = """{"textroom":"message","room":42,"from":"echo","date":"2026-12-07T05:00:00+0000","text":""" + System.Text.Json.JsonSerializer.Serialize(Ping) + ""","whisper":true}""";
        byte[] buffer = new byte[4]; // Grown as needed.
        Assert.True(TextRoomEnvelope.TryReadMessage(Encoding.UTF8.GetBytes(relayed), "echo"u8, ref buffer, out int length));
        Assert.Equal(Ping, Encoding.UTF8.GetString(buffer, 0, length));
        Assert.False(TextRoomEnvelope.TryReadMessage(Encoding.UTF8.GetBytes(relayed), "someone"u8, ref buffer, out _));
        Assert.False(TextRoomEnvelope.TryReadMessage("""{"textroom":"join","room":42,"username":"echo"}"""u8, "echo"u8, ref buffer, out _));
        Assert.False(TextRoomEnvelope.TryReadMessage("""{"text":"x","from":"echo","textroom":"success"}"""u8, "echo"u8, ref buffer, out _));
        Assert.True(TextRoomEnvelope.TryReadMessage("""{"text":"x","nested":{"a":[1,{"b":2}]},"from":"echo","textroom":"message"}"""u8, "echo"u8, ref buffer, out length));
        Assert.Equal("x", Encoding.UTF8.GetString(buffer, 0, length));
    }

    [Fact]
    public void TryReadMessage_MutatedInput_NeverThrows()
    {
        var random = new Random(5);
        byte[] seed = Encoding.UTF8.GetBytes("""{"textroom":"message","room":42,"from":"echo","text":"{\"v\":1,\"seq\":\u00e9}","whisper":true}""");
        byte[] buffer = new byte[8];
        for (int i = 0; i < 5000; i++)
        {
            byte[] input = (byte[])seed.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                input[random.Next(input.Length)] = (byte)random.Next(256);
            }

            int cut = random.Next(input.Length + 1);
            TextRoomEnvelope.TryReadMessage(input.AsSpan(0, cut), "echo"u8, ref buffer, out _);
        }
    }

    [Fact]
    public void WriteAndRead_Warm_AllocateNothing()
    {
        using var envelope = new TextRoomEnvelope(42, "echo");
        byte[] ping = Encoding.UTF8.GetBytes(Ping);
        byte[] relayed = Encoding.UTF8.GetBytes("""{"textroom":"message","room":42,"from":"echo","text":""" + System.Text.Json.JsonSerializer.Serialize(Ping) + "}");
        byte[] buffer = new byte[1024];
        for (int i = 0; i < 100; i++)
        {
            envelope.Write(ping);
            TextRoomEnvelope.TryReadMessage(relayed, "echo"u8, ref buffer, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            envelope.Write(ping);
            Assert.True(TextRoomEnvelope.TryReadMessage(relayed, "echo"u8, ref buffer, out _));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Label_IsJanusDefault() => Assert.Equal("JanusDataChannel", TextRoomData.Label);
}

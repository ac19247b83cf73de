namespace RtcBench.LiveKit.Tests.RustSdk;

/// <summary>A DataPacket as @livekit/rtc-node delivered it: the sender it resolved, "reliable"/"lossy", topic, payload.</summary>
internal sealed record RtcNodePacket(string? From, string Kind, string? Topic, byte[] Payload)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}

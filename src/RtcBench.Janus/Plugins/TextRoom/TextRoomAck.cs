using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary><c>{"request":"ack"}</c>, sent with our JSEP answer to the TextRoom's offer; Janus replies <c>{"textroom":"ack"}</c>.</summary>
public sealed class TextRoomAck : IJanusPluginRequest
{
    public static TextRoomAck Instance { get; } = new();

    public string Request => "ack";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", "ack");
    }
}

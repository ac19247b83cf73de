using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>Destroys a TextRoom room (synchronous; reply <c>{"textroom":"destroyed"}</c>); participants get a <c>destroyed</c> message.</summary>
public sealed class TextRoomDestroyRoom : IJanusPluginRequest
{
    public required long Room { get; init; }

    public string? Secret { get; init; }

    public bool Permanent { get; init; }

    public string Request => "destroy";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        writer.WriteNumber("room", Room);
        JsonWriting.Optional(writer, "secret", Secret);
        writer.WriteBoolean("permanent", Permanent);
    }
}

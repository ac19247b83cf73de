using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>Destroys a VideoRoom room (synchronous; reply <c>{"videoroom":"destroyed"}</c>; 433 with a wrong secret). Everyone in it is kicked.</summary>
public sealed class VideoRoomDestroyRoom : IJanusPluginRequest
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

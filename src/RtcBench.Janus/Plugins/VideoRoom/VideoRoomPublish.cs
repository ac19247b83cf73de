using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// Publishes, sent with our JSEP offer (asynchronous; event <c>{"videoroom":"event","configured":"ok"}</c> with
/// Janus's answer). A data-only offer (one <c>m=application</c>) publishes a data channel only: Janus relays what we
/// send on it to every subscriber of our feed, on a channel labelled with our publisher id.
/// </summary>
public sealed class VideoRoomPublish : IJanusPluginRequest
{
    public string? Display { get; init; }

    public static VideoRoomPublish DataOnly { get; } = new();

    public string Request => "publish";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        JsonWriting.Optional(writer, "display", Display);
    }
}

using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// Joins a room as a publisher (asynchronous; event <c>{"videoroom":"joined","id":…,"private_id":…,"publishers":[…]}</c>,
/// read with <see cref="VideoRoomJoined.TryRead"/>). Publishing is a separate <see cref="VideoRoomPublish"/> with our offer.
/// </summary>
public sealed class VideoRoomJoinPublisher : IJanusPluginRequest
{
    public required long Room { get; init; }

    public string? Display { get; init; }

    /// <summary>Our own publisher id (Janus picks one when null).</summary>
    public long? Id { get; init; }

    public string? Pin { get; init; }

    public string? Token { get; init; }

    public string Request => "join";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        writer.WriteString("ptype", "publisher");
        writer.WriteNumber("room", Room);
        JsonWriting.Optional(writer, "id", Id);
        JsonWriting.Optional(writer, "display", Display);
        JsonWriting.Optional(writer, "pin", Pin);
        JsonWriting.Optional(writer, "token", Token);
    }
}

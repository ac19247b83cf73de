using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// Subscribes to publishers' feeds (asynchronous; event <c>{"videoroom":"attached",…}</c> with Janus's offer, which we
/// answer with <see cref="VideoRoomSimpleRequest.Start"/>). Each feed may name the <c>mid</c> of one of its streams
/// (e.g. its data stream); without one every stream of the feed is offered.
/// </summary>
public sealed class VideoRoomJoinSubscriber : IJanusPluginRequest
{
    public required long Room { get; init; }

    public required IReadOnlyList<(long Feed, string? Mid)> Streams { get; init; }

    /// <summary>The private id of our own publisher in the room (ties the subscription to it).</summary>
    public long? PrivateId { get; init; }

    public string? Pin { get; init; }

    public string Request => "join";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        writer.WriteString("ptype", "subscriber");
        writer.WriteNumber("room", Room);
        JsonWriting.Optional(writer, "private_id", PrivateId);
        JsonWriting.Optional(writer, "pin", Pin);
        writer.WriteStartArray("streams");
        foreach (var (feed, mid) in Streams)
        {
            writer.WriteStartObject();
            writer.WriteNumber("feed", feed);
            JsonWriting.Optional(writer, "mid", mid);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

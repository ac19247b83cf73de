using System.Text.Json;

namespace RtcBench.Janus.Plugins;

/// <summary>
/// <c>destroy</c>, as the room plugins (VideoRoom, TextRoom) share it: synchronous, reply
/// <c>{"&lt;plugin&gt;":"destroyed"}</c>, 433 with a wrong secret. Everyone in the room is told and removed.
/// </summary>
public sealed class JanusRoomDestroy : IJanusPluginRequest
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

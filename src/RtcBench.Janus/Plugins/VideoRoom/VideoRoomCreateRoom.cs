using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// Creates a VideoRoom room (synchronous; reply <c>{"videoroom":"created","room":N}</c>, or 433 "Unauthorized (wrong
/// admin_key)" when the plugin has an <c>admin_key</c> and this one is missing or wrong). <see cref="Secret"/> is then
/// needed to destroy it. Not permanent unless asked. Janus picks a random id when <see cref="Room"/> is null.
/// </summary>
public sealed class VideoRoomCreateRoom : IJanusPluginRequest
{
    public long? Room { get; init; }

    public string? Description { get; init; }

    public string? Secret { get; init; }

    public string? Pin { get; init; }

    public string? AdminKey { get; init; }

    public bool? IsPrivate { get; init; }

    /// <summary>How many publishers may be in the room at once (Janus's default is 3).</summary>
    public long? Publishers { get; init; }

    public bool Permanent { get; init; }

    public string Request => "create";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        JsonWriting.Optional(writer, "room", Room);
        JsonWriting.Optional(writer, "description", Description);
        JsonWriting.Optional(writer, "secret", Secret);
        JsonWriting.Optional(writer, "pin", Pin);
        JsonWriting.Optional(writer, "admin_key", AdminKey);
        JsonWriting.Optional(writer, "is_private", IsPrivate);
        JsonWriting.Optional(writer, "publishers", Publishers);
        writer.WriteBoolean("permanent", Permanent);
    }
}

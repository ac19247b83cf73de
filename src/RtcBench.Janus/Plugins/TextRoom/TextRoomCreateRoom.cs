using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>
/// Creates a TextRoom room over the Janus API (synchronous; reply <c>{"textroom":"created","room":N}</c>). Janus
/// picks a random id when <see cref="Room"/> is null. <see cref="AdminKey"/> is required when the plugin is
/// configured with one; <see cref="Secret"/> is then needed to destroy or edit the room. Not permanent unless asked.
/// </summary>
public sealed class TextRoomCreateRoom : IJanusPluginRequest
{
    public long? Room { get; init; }

    public string? Description { get; init; }

    public string? Secret { get; init; }

    public string? Pin { get; init; }

    public string? AdminKey { get; init; }

    public bool? IsPrivate { get; init; }

    /// <summary>Messages kept and replayed to joiners.</summary>
    public long? History { get; init; }

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
        JsonWriting.Optional(writer, "history", History);
        writer.WriteBoolean("permanent", Permanent);
    }
}

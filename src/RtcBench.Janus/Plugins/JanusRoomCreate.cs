using System.Text.Json;

namespace RtcBench.Janus.Plugins;

/// <summary>
/// <c>create</c>, as the room plugins (VideoRoom, TextRoom) share it: synchronous, reply
/// <c>{"&lt;plugin&gt;":"created","room":N}</c>, or 433 "Unauthorized (wrong admin_key)" when the plugin has an
/// <c>admin_key</c> and this one is missing or wrong. Janus picks a random id when <see cref="Room"/> is null;
/// <see cref="Secret"/> is then needed to destroy or edit the room. Not permanent unless asked. A plugin's own
/// fields are written by <see cref="WritePluginFields"/>.
/// </summary>
public abstract class JanusRoomCreate : IJanusPluginRequest
{
    public long? Room { get; init; }

    public string? Description { get; init; }

    public string? Secret { get; init; }

    public string? Pin { get; init; }

    public string? AdminKey { get; init; }

    public bool? IsPrivate { get; init; }

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
        WritePluginFields(writer);
        writer.WriteBoolean("permanent", Permanent);
    }

    /// <summary>The plugin's own optional fields.</summary>
    protected abstract void WritePluginFields(Utf8JsonWriter writer);
}

using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>Creates a TextRoom room (reply <c>{"textroom":"created","room":N}</c>); see <see cref="JanusRoomCreate"/>.</summary>
public sealed class TextRoomCreateRoom : JanusRoomCreate
{
    /// <summary>Messages kept and replayed to joiners.</summary>
    public long? History { get; init; }

    protected override void WritePluginFields(Utf8JsonWriter writer) => JsonWriting.Optional(writer, "history", History);
}

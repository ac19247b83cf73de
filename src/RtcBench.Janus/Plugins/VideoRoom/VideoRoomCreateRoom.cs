using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>Creates a VideoRoom room (reply <c>{"videoroom":"created","room":N}</c>); see <see cref="JanusRoomCreate"/>.</summary>
public sealed class VideoRoomCreateRoom : JanusRoomCreate
{
    /// <summary>How many publishers may be in the room at once (Janus's default is 3).</summary>
    public long? Publishers { get; init; }

    protected override void WritePluginFields(Utf8JsonWriter writer) => JsonWriting.Optional(writer, "publishers", Publishers);
}

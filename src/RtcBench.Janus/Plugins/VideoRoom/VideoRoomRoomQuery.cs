using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// The VideoRoom's read-only room requests (synchronous): <c>exists</c> (reply <c>{"exists":bool}</c>),
/// <c>listparticipants</c> (reply <c>{"participants":[{"id","display","publisher"}]}</c>) and <c>list</c>.
/// </summary>
public sealed class VideoRoomRoomQuery : IJanusPluginRequest
{
    private VideoRoomRoomQuery(string request, long? room)
    {
        Request = request;
        Room = room;
    }

    public long? Room { get; }

    public string Request { get; }

    public static VideoRoomRoomQuery Exists(long room) => new("exists", room);

    public static VideoRoomRoomQuery ListParticipants(long room) => new("listparticipants", room);

    public static VideoRoomRoomQuery List() => new("list", null);

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        JsonWriting.Optional(writer, "room", Room);
    }
}

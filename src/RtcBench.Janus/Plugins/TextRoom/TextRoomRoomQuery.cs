using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>
/// The TextRoom's read-only room requests over the Janus API (synchronous): <c>exists</c> (reply
/// <c>{"exists":bool}</c>), <c>listparticipants</c> (reply <c>{"participants":[{"username","display"}]}</c>) and
/// <c>list</c> (reply <c>{"list":[…]}</c>, no room).
/// </summary>
public sealed class TextRoomRoomQuery : IJanusPluginRequest
{
    private TextRoomRoomQuery(string request, long? room)
    {
        Request = request;
        Room = room;
    }

    public long? Room { get; }

    public string Request { get; }

    public static TextRoomRoomQuery Exists(long room) => new("exists", room);

    public static TextRoomRoomQuery ListParticipants(long room) => new("listparticipants", room);

    public static TextRoomRoomQuery List() => new("list", null);

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        JsonWriting.Optional(writer, "room", Room);
    }
}

using System.Text.Json;

namespace RtcBench.Janus.Plugins;

/// <summary>
/// The room plugins' read-only requests (synchronous): <c>exists</c> (reply <c>{"exists":bool}</c>),
/// <c>listparticipants</c> (reply <c>{"participants":[…]}</c>: <c>id</c>, <c>display</c>, <c>publisher</c> on the
/// VideoRoom; <c>username</c>, <c>display</c> on the TextRoom) and <c>list</c> (reply <c>{"list":[…]}</c>, no room).
/// </summary>
public sealed class JanusRoomQuery : IJanusPluginRequest
{
    private JanusRoomQuery(string request, long? room)
    {
        Request = request;
        Room = room;
    }

    public long? Room { get; }

    public string Request { get; }

    public static JanusRoomQuery Exists(long room) => new("exists", room);

    public static JanusRoomQuery ListParticipants(long room) => new("listparticipants", room);

    public static JanusRoomQuery List() => new("list", null);

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
        JsonWriting.Optional(writer, "room", Room);
    }
}

using System.Text.Json;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// VideoRoom requests that are only a verb: <c>start</c> (a subscriber's answer goes with it), <c>pause</c>,
/// <c>unpublish</c> and <c>leave</c> (all asynchronous).
/// </summary>
public sealed class VideoRoomSimpleRequest : IJanusPluginRequest
{
    private VideoRoomSimpleRequest(string request) => Request = request;

    public static VideoRoomSimpleRequest Start { get; } = new("start");

    public static VideoRoomSimpleRequest Pause { get; } = new("pause");

    public static VideoRoomSimpleRequest Unpublish { get; } = new("unpublish");

    public static VideoRoomSimpleRequest Leave { get; } = new("leave");

    public string Request { get; }

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
    }
}

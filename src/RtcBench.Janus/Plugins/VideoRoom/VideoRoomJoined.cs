using System.Text.Json;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;

namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>
/// A publisher's <c>joined</c> event (our feed <see cref="Id"/>, <see cref="PrivateId"/>, who already publishes), and
/// the publisher lists of later <c>event</c>s (<see cref="TryReadPublishers"/>). Never throws on bad input.
/// </summary>
public sealed record VideoRoomJoined(long Room, long Id, long? PrivateId, IReadOnlyList<VideoRoomPublisher> Publishers)
{
    public static bool TryRead(JanusPluginReply reply, out VideoRoomJoined? joined)
    {
        ArgumentNullException.ThrowIfNull(reply);
        joined = null;
        var data = reply.Data;
        if (JanusMessageReader.StringOf(data, "videoroom") != "joined"
            || JanusMessageReader.Int64Of(data, "room") is not long room || JanusMessageReader.Int64Of(data, "id") is not long id)
        {
            return false;
        }

        joined = new VideoRoomJoined(room, id, JanusMessageReader.Int64Of(data, "private_id"), TryReadPublishers(data));
        return true;
    }

    /// <summary>The <c>publishers</c> list of a VideoRoom event (empty when there is none).</summary>
    public static IReadOnlyList<VideoRoomPublisher> TryReadPublishers(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("publishers", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var publishers = new List<VideoRoomPublisher>();
        foreach (var p in list.EnumerateArray())
        {
            if (JanusMessageReader.Int64Of(p, "id") is not long id)
            {
                continue;
            }

            var mids = new List<string>();
            if (p.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in streams.EnumerateArray())
                {
                    if (JanusMessageReader.StringOf(s, "type") == "data" && JanusMessageReader.StringOf(s, "mid") is { } mid)
                    {
                        mids.Add(mid);
                    }
                }
            }

            publishers.Add(new VideoRoomPublisher(id, JanusMessageReader.StringOf(p, "display"), mids));
        }

        return publishers;
    }
}

using System.Text.Json;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>
/// A JSON text message the TextRoom sent over the data channel: a reply to one of our requests
/// (<c>success</c> / <c>error</c>, with our <see cref="Transaction"/>) or a room event (<c>message</c>, <c>join</c>,
/// <c>leave</c>, <c>announcement</c>, <c>kicked</c>, <c>destroyed</c>). <see cref="TryRead"/> never throws.
/// </summary>
public sealed record TextRoomDataMessage
{
    /// <summary>The <c>textroom</c> member: success, error, message, join, leave, announcement, kicked, destroyed, …</summary>
    public required string Kind { get; init; }

    public string? Transaction { get; init; }

    public long? Room { get; init; }

    /// <summary>Who sent a <c>message</c>.</summary>
    public string? From { get; init; }

    /// <summary>Who joined, left or was kicked.</summary>
    public string? Username { get; init; }

    public string? Display { get; init; }

    public string? Text { get; init; }

    /// <summary>When the server received the message (Janus's own text, e.g. "2026-12-01T10:00:00+0000").</summary>
    public string? Date { get; init; }

    /// <summary>A private message (sent with <c>to</c>).</summary>
    public bool Whisper { get; init; }

    public int? ErrorCode { get; init; }

    public string? Error { get; init; }

    /// <summary>Usernames in the room, from a join's <c>success</c>.</summary>
    public IReadOnlyList<string> Participants { get; init; } = [];

    public bool IsSuccess => Kind == "success";

    public bool IsError => Kind == "error" || ErrorCode is not null;

    public static bool TryRead(ReadOnlySpan<byte> utf8, out TextRoomDataMessage? message)
    {
        message = null;
        if (!JanusMessageReader.TryParse(utf8, out var root) || root.ValueKind != JsonValueKind.Object
            || JanusMessageReader.StringOf(root, "textroom") is not { } kind)
        {
            return false;
        }

        long? errorCode = JanusMessageReader.Int64Of(root, "error_code");
        message = new TextRoomDataMessage
        {
            Kind = kind,
            Transaction = JanusMessageReader.StringOf(root, "transaction"),
            Room = JanusMessageReader.Int64Of(root, "room"),
            From = JanusMessageReader.StringOf(root, "from"),
            Username = JanusMessageReader.StringOf(root, "username"),
            Display = JanusMessageReader.StringOf(root, "display"),
            Text = JanusMessageReader.StringOf(root, "text"),
            Date = JanusMessageReader.StringOf(root, "date"),
            Whisper = JanusMessageReader.BoolOf(root, "whisper") ?? false,
            ErrorCode = errorCode is > 0 and < int.MaxValue ? (int)errorCode : null,
            Error = JanusMessageReader.StringOf(root, "error"),
            Participants = ParticipantsOf(root),
        };
        return true;
    }

    private static string[] ParticipantsOf(JsonElement root)
    {
        if (!root.TryGetProperty("participants", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var p in list.EnumerateArray())
        {
            if (JanusMessageReader.StringOf(p, "username") is { } name)
            {
                names.Add(name);
            }
        }

        return [.. names];
    }
}

using System.Buffers;
using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>
/// The TextRoom requests that travel as JSON text over the data channel (PROTOCOLS.md §2 B4), not the Janus API:
/// <c>join</c>, <c>message</c> and <c>leave</c>, each with the mandatory <c>transaction</c> that Janus's
/// <c>success</c> / <c>error</c> reply carries back. Send the bytes as a text message on the channel labelled
/// <see cref="Label"/>. A PIN or token given here is in the bytes, so never log them.
/// </summary>
public static class TextRoomData
{
    /// <summary>The label Janus sends on (it reuses a channel with this label, else opens one).</summary>
    public const string Label = "JanusDataChannel";

    /// <summary><c>{"textroom":"join",…}</c> → <c>{"textroom":"success","participants":[…]}</c>; others get <c>{"textroom":"join",…}</c>.</summary>
    public static byte[] Join(string transaction, long room, string username, string? display = null, string? pin = null, string? token = null, bool? history = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(transaction);
        ArgumentException.ThrowIfNullOrEmpty(username);
        return Write(w =>
        {
            w.WriteString("textroom", "join");
            w.WriteString("transaction", transaction);
            w.WriteNumber("room", room);
            w.WriteString("username", username);
            JsonWriting.Optional(w, "display", display);
            JsonWriting.Optional(w, "pin", pin);
            JsonWriting.Optional(w, "token", token);
            JsonWriting.Optional(w, "history", history);
        });
    }

    /// <summary>
    /// <c>{"textroom":"message",…}</c>: to everyone in the room (the sender included) or, with <paramref name="to"/>,
    /// to one participant as a whisper. With <paramref name="ack"/> the sender gets <c>{"textroom":"success"}</c>.
    /// </summary>
    public static byte[] Message(string transaction, long room, string text, string? to = null, bool ack = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(transaction);
        ArgumentNullException.ThrowIfNull(text);
        return Write(w =>
        {
            w.WriteString("textroom", "message");
            w.WriteString("transaction", transaction);
            w.WriteNumber("room", room);
            w.WriteString("text", text);
            JsonWriting.Optional(w, "to", to);
            w.WriteBoolean("ack", ack);
        });
    }

    /// <summary><c>{"textroom":"leave",…}</c>; the others get <c>{"textroom":"leave","username":…}</c>.</summary>
    public static byte[] Leave(string transaction, long room)
    {
        ArgumentException.ThrowIfNullOrEmpty(transaction);
        return Write(w =>
        {
            w.WriteString("textroom", "leave");
            w.WriteString("transaction", transaction);
            w.WriteNumber("room", room);
        });
    }

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

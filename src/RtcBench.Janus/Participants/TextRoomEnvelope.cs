using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RtcBench.Janus.Participants;

/// <summary>
/// The TextRoom's <c>message</c> envelope on the hot path, without allocating once warm: <see cref="Write"/> wraps a
/// payload as <c>{"textroom":"message","transaction":"m&lt;n&gt;","room":R,"to":"…","ack":false,"text":"…"}</c> (the
/// payload JSON-escaped into <c>text</c>, quotes as <c>\"</c>), and <see cref="TryReadMessage"/> takes a message
/// Janus relayed apart: whether it is a <c>message</c> from the expected sender, and its <c>text</c>, unescaped, in
/// a reused buffer. Not thread-safe: one writer per sending thread, one reader per receiving loop.
/// </summary>
internal sealed class TextRoomEnvelope : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly ArrayBufferWriter<byte> _out = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly long _room;
    private readonly byte[] _to;
    private long _transaction;

    public TextRoomEnvelope(long room, string to)
    {
        _room = room;
        _to = System.Text.Encoding.UTF8.GetBytes(to);
        _writer = new Utf8JsonWriter(_out, WriterOptions);
    }

    /// <summary>The envelope for <paramref name="text"/> (valid until the next call).</summary>
    public ReadOnlySpan<byte> Write(ReadOnlySpan<byte> text)
    {
        _out.ResetWrittenCount();
        _writer.Reset(_out);
        Span<char> transaction = stackalloc char[24];
        transaction[0] = 'm';
        (++_transaction).TryFormat(transaction[1..], out int digits, provider: CultureInfo.InvariantCulture);
        _writer.WriteStartObject();
        _writer.WriteString("textroom"u8, "message"u8);
        _writer.WriteString("transaction"u8, transaction[..(digits + 1)]);
        _writer.WriteNumber("room"u8, _room);
        _writer.WriteString("to"u8, _to);
        _writer.WriteBoolean("ack"u8, false);
        _writer.WriteString("text"u8, text);
        _writer.WriteEndObject();
        _writer.Flush();
        return _out.WrittenSpan;
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// When <paramref name="utf8"/> is a TextRoom <c>message</c> from <paramref name="from"/>, copies its text into
    /// <paramref name="text"/> (grown when too small) and returns true with its length. False for anything else
    /// (other kinds, other senders, malformed JSON); never throws.
    /// </summary>
    public static bool TryReadMessage(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> from, ref byte[] text, out int length)
    {
        length = 0;
        bool isMessage = false, fromMatches = false, hasText = false;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("textroom"u8))
                {
                    reader.Read();
                    isMessage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("message"u8);
                }
                else if (reader.ValueTextEquals("from"u8))
                {
                    reader.Read();
                    fromMatches = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(from);
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    int needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                    if (text.Length < needed)
                    {
                        text = new byte[Math.Max(needed, text.Length * 2)];
                    }

                    length = reader.CopyString(text);
                    hasText = true;
                }
                else
                {
                    reader.Read();
                    reader.TrySkip();
                }
            }

            return isMessage && fromMatches && hasText;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false; // Invalid UTF-8 in a string.
        }
    }
}

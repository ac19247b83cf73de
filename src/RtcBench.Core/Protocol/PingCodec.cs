using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace RtcBench.Core.Protocol;

/// <summary>
/// Encodes and decodes the ping protocol of DESIGN §3 as compact JSON, identical bytes on every platform:
/// <code>
/// ping: {"v":1,"t":"ping","run":"&lt;32 hex&gt;","seq":7,"ts":1234.567,"pad":"xxxx"}
/// pong: {"v":1,"t":"pong","run":"&lt;32 hex&gt;","seq":7,"ts":1234.567,"rx":99.001,"tx":99.004,"wc":1763769600000000,"pad":"xxxx"}
/// </code>
/// Timestamps are monotonic microseconds with three decimals (nanosecond resolution) on the sender's own
/// clock: <c>ts</c> on the runner's, <c>rx</c>/<c>tx</c> on the echo's. <c>wc</c> is the echo clock's wall anchor
/// (unix µs − monotonic µs). <c>pad</c> fills the ping to the requested payload size and is echoed back at the same
/// length. A negative <c>seq</c> marks a readiness probe. Writing and reading never allocate; reading never
/// throws: anything that is not a well-formed message of the expected kind returns false.
/// Reading first tries the exact layout this codec writes (<see cref="PingCodecCanonical"/>: one pass over the bytes,
/// a few hundred instructions, so it stays cheap when the echo thread wakes with cold caches); anything else — another
/// field order, white space, other number forms, escapes, unknown fields, as other implementations may send — goes
/// through the general JSON reader. The canonical reader accepts a strict subset of what the general one accepts and
/// yields the same fields (tests cross-check them).
/// </summary>
public static class PingCodec
{
    public const int Version = 1;

    /// <summary>The largest payload a ping may request (fits a UDP datagram with the pong's extra fields).</summary>
    public const int MaxPayloadBytes = 16 * 1024;

    /// <summary>A buffer of this size holds any ping or pong.</summary>
    public const int MaxMessageBytes = MaxPayloadBytes + 256;

    /// <summary>
    /// False makes every read go through the general JSON reader alone (the reader before the canonical one existed):
    /// for benchmarks that compare the two in one run, and tests. Not for production use.
    /// </summary>
    internal static bool UseCanonicalReader { get; set; } = true;

    internal static ReadOnlySpan<byte> PingPrefix => "{\"v\":1,\"t\":\"ping\",\"run\":\""u8;
    internal static ReadOnlySpan<byte> PongPrefix => "{\"v\":1,\"t\":\"pong\",\"run\":\""u8;

    /// <summary>The encoded size of a ping with no padding for the given seq and timestamp.</summary>
    public static int UnpaddedPingSize(long seq, long sentNs)
    {
        Span<byte> scratch = stackalloc byte[256];
        return WritePing(scratch, default, seq, sentNs, 0);
    }

    /// <summary>
    /// Writes a ping padded so that the whole message is <paramref name="payloadBytes"/> long, or unpadded when the
    /// fields alone plus the 9-byte empty pad field <c>,"pad":""</c> would be longer than that. Returns the number
    /// of bytes written.
    /// </summary>
    public static int WritePing(Span<byte> destination, RunId runId, long seq, long sentNs, int payloadBytes)
    {
        var w = new SpanWriter(destination);
        w.Write(PingPrefix);
        w.WriteRunId(runId);
        w.Write("\",\"seq\":"u8);
        w.WriteInt64(seq);
        w.Write(",\"ts\":"u8);
        w.WriteMicros(sentNs);
        int unpadded = w.Position + "}"u8.Length;
        int padOverhead = ",\"pad\":\"\""u8.Length;
        int padLength = payloadBytes - unpadded - padOverhead;
        // padLength == 0 still writes an empty pad field: that is what makes the message exactly payloadBytes long.
        if (padLength >= 0)
        {
            w.Write(",\"pad\":\""u8);
            w.WriteFill((byte)'x', padLength);
            w.Write("\""u8);
        }
        w.Write("}"u8);
        return w.Position;
    }

    /// <summary>
    /// Overwrites the <c>ts</c> of a ping written by <see cref="WritePing"/> with <paramref name="sentNs"/> when the new
    /// value has the same width (all but always, for two readings of the clock microseconds apart); false otherwise,
    /// and then the caller writes the ping again. <c>,"ts":</c> occurs once: before it are only the hex run id and the
    /// seq, after it the padding.
    /// </summary>
    internal static bool TryRestampPing(Span<byte> ping, long sentNs)
    {
        int key = ping.IndexOf(",\"ts\":"u8);
        if (key < 0 || sentNs < 0)
        {
            return false;
        }
        int start = key + 6;
        int length = ping[start..].IndexOfAny((byte)',', (byte)'}');
        Span<byte> text = stackalloc byte[32];
        var w = new SpanWriter(text);
        w.WriteMicros(sentNs);
        if (length != w.Position)
        {
            return false;
        }
        text[..length].CopyTo(ping.Slice(start, length));
        return true;
    }

    /// <summary>Writes the pong answering <paramref name="ping"/>. Returns the number of bytes written.</summary>
    public static int WritePong(Span<byte> destination, in PingFields ping, long echoRxNs, long echoTxNs, double wallAnchorUs)
    {
        var w = new SpanWriter(destination);
        w.Write(PongPrefix);
        w.WriteRunId(ping.RunId);
        w.Write("\",\"seq\":"u8);
        w.WriteInt64(ping.Seq);
        w.Write(",\"ts\":"u8);
        w.WriteMicros(ping.SentNs);
        w.Write(",\"rx\":"u8);
        w.WriteMicros(echoRxNs);
        w.Write(",\"tx\":"u8);
        w.WriteMicros(echoTxNs);
        w.Write(",\"wc\":"u8);
        w.WriteInt64((long)Math.Round(wallAnchorUs));
        if (ping.PadLength > 0)
        {
            w.Write(",\"pad\":\""u8);
            w.WriteFill((byte)'x', ping.PadLength);
            w.Write("\""u8);
        }
        w.Write("}"u8);
        return w.Position;
    }

    /// <summary>Reads a ping. Returns false (never throws) for anything else.</summary>
    public static bool TryReadPing(ReadOnlySpan<byte> message, out PingFields ping)
    {
        ping = default;
        return (UseCanonicalReader && PingCodecCanonical.TryReadPing(message, out ping)) || TryReadPingGeneral(message, out ping);
    }

    /// <summary>Reads a ping with the general JSON reader alone.</summary>
    internal static bool TryReadPingGeneral(ReadOnlySpan<byte> message, out PingFields ping)
    {
        ping = default;
        if (!TryRead(message, out var raw) || raw.Kind != MessageKind.Ping || (raw.Seen & ~FieldSet.Pad) != FieldSet.PingRequired)
        {
            return false;
        }
        ping = new PingFields(raw.RunId, raw.Seq, raw.Ts, raw.PadLength);
        return true;
    }

    /// <summary>Reads a pong. Returns false (never throws) for anything else.</summary>
    public static bool TryReadPong(ReadOnlySpan<byte> message, out PongFields pong)
    {
        pong = default;
        return (UseCanonicalReader && PingCodecCanonical.TryReadPong(message, out pong)) || TryReadPongGeneral(message, out pong);
    }

    /// <summary>Reads a pong with the general JSON reader alone.</summary>
    internal static bool TryReadPongGeneral(ReadOnlySpan<byte> message, out PongFields pong)
    {
        pong = default;
        if (!TryRead(message, out var raw) || raw.Kind != MessageKind.Pong || (raw.Seen & ~FieldSet.Pad) != FieldSet.PongRequired)
        {
            return false;
        }
        pong = new PongFields(raw.RunId, raw.Seq, raw.Ts, raw.Rx, raw.Tx, raw.Wc, raw.PadLength);
        return true;
    }

    private enum MessageKind : byte { None, Ping, Pong }

    [Flags]
    private enum FieldSet
    {
        None = 0,
        V = 1,
        T = 2,
        Run = 4,
        Seq = 8,
        Ts = 16,
        Rx = 32,
        Tx = 64,
        Wc = 128,
        Pad = 256,
        PingRequired = V | T | Run | Seq | Ts,
        PongRequired = PingRequired | Rx | Tx | Wc,
    }

    private struct RawMessage
    {
        public MessageKind Kind;
        public FieldSet Seen;
        public RunId RunId;
        public long Seq;
        public long Ts;
        public long Rx;
        public long Tx;
        public double Wc;
        public int PadLength;
    }

    private static bool TryRead(ReadOnlySpan<byte> message, out RawMessage raw)
    {
        raw = default;
        if (message.Length < 2 || message.Length > MaxMessageBytes || message[0] != (byte)'{')
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 2 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    // Trailing bytes after the object make the message invalid.
                    return reader.BytesConsumed == message.Length;
                }
                if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped)
                {
                    return false;
                }
                FieldSet field = NameToField(reader.ValueSpan);
                if (!reader.Read())
                {
                    return false;
                }
                if (field != FieldSet.None && (raw.Seen & field) != 0)
                {
                    return false; // duplicate field
                }
                raw.Seen |= field;
                switch (field)
                {
                    case FieldSet.V:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int v) || v != Version)
                        {
                            return false;
                        }
                        break;
                    case FieldSet.T:
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                        {
                            return false;
                        }
                        raw.Kind = reader.ValueSpan.SequenceEqual("ping"u8) ? MessageKind.Ping
                            : reader.ValueSpan.SequenceEqual("pong"u8) ? MessageKind.Pong
                            : MessageKind.None;
                        if (raw.Kind == MessageKind.None)
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Run:
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                            || !RunId.TryParseUtf8(reader.ValueSpan, out raw.RunId))
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Seq:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out raw.Seq))
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Ts:
                        if (!TryGetMicrosAsNs(ref reader, out raw.Ts))
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Rx:
                        if (!TryGetMicrosAsNs(ref reader, out raw.Rx))
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Tx:
                        if (!TryGetMicrosAsNs(ref reader, out raw.Tx))
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Wc:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out raw.Wc) || !double.IsFinite(raw.Wc))
                        {
                            return false;
                        }
                        break;
                    case FieldSet.Pad:
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                        {
                            return false;
                        }
                        raw.PadLength = reader.ValueSpan.Length;
                        break;
                    default:
                        // Unknown fields are tolerated (forward compatibility) if they are scalars.
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            return false;
                        }
                        break;
                }
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static FieldSet NameToField(ReadOnlySpan<byte> name) => name.Length switch
    {
        1 when name[0] == (byte)'v' => FieldSet.V,
        1 when name[0] == (byte)'t' => FieldSet.T,
        2 when name.SequenceEqual("ts"u8) => FieldSet.Ts,
        2 when name.SequenceEqual("rx"u8) => FieldSet.Rx,
        2 when name.SequenceEqual("tx"u8) => FieldSet.Tx,
        2 when name.SequenceEqual("wc"u8) => FieldSet.Wc,
        3 when name.SequenceEqual("run"u8) => FieldSet.Run,
        3 when name.SequenceEqual("seq"u8) => FieldSet.Seq,
        3 when name.SequenceEqual("pad"u8) => FieldSet.Pad,
        _ => FieldSet.None,
    };

    private static bool TryGetMicrosAsNs(ref Utf8JsonReader reader, out long ns)
    {
        ns = 0;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double us)
            || !double.IsFinite(us) || us < 0 || us > 9.0e12)
        {
            return false;
        }
        ns = (long)Math.Round(us * 1000.0);
        return true;
    }

    /// <summary>A bounds-checked forward writer over a span; throws if the caller's buffer is too small.</summary>
    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Remaining(bytes.Length));
            Position += bytes.Length;
        }

        public void WriteFill(byte value, int count)
        {
            Remaining(count).Slice(0, count).Fill(value);
            Position += count;
        }

        public void WriteInt64(long value)
        {
            if (!Utf8Formatter.TryFormat(value, _buffer[Position..], out int n))
            {
                throw new ArgumentException("Destination buffer is too small for the message.");
            }
            Position += n;
        }

        public void WriteRunId(RunId id)
        {
            if (!id.TryFormatUtf8(_buffer[Position..], out int n))
            {
                throw new ArgumentException("Destination buffer is too small for the message.");
            }
            Position += n;
        }

        /// <summary>Writes nanoseconds as microseconds with exactly three decimals.</summary>
        public void WriteMicros(long ns)
        {
            if (ns < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ns), "Timestamps are non-negative.");
            }
            WriteInt64(ns / 1000);
            Write("."u8);
            if (!Utf8Formatter.TryFormat(ns % 1000, _buffer[Position..], out int n, new StandardFormat('D', 3)))
            {
                throw new ArgumentException("Destination buffer is too small for the message.");
            }
            Position += n;
        }

        private Span<byte> Remaining(int needed)
        {
            if (_buffer.Length - Position < needed)
            {
                throw new ArgumentException("Destination buffer is too small for the message.");
            }
            return _buffer[Position..];
        }
    }
}

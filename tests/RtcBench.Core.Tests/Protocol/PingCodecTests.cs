using System.Text;
using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Protocol;

public sealed class PingCodecTests
{
    internal static readonly RunId Run = new(Guid.Parse("0123456789abcdef0123456789abcdef"));
    private const string RunHex = "0123456789abcdef0123456789abcdef";

    private static bool ReadsAsPing(string json) => PingCodec.TryReadPing(Encoding.UTF8.GetBytes(json), out _);

    private static bool ReadsAsPong(string json) => PingCodec.TryReadPong(Encoding.UTF8.GetBytes(json), out _);

    [Fact]
    public void WritePing_KnownFields_ExactBytes()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(buffer, Run, 7, 1_234_567_000, 0);
        // 1,234,567,000 ns = 1,234,567.000 µs.
        Assert.Equal($"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":7,\"ts\":1234567.000}}",
            Encoding.UTF8.GetString(buffer, 0, n));
    }

    [Fact]
    public void PingAndPong_RoundTrip_FieldsEqual()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(buffer, Run, 42, 987_654_321_123, 200);
        Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, n), out var ping));
        Assert.Equal(Run, ping.RunId);
        Assert.Equal(42, ping.Seq);
        Assert.Equal(987_654_321_123, ping.SentNs);

        var pongBuffer = new byte[PingCodec.MaxMessageBytes];
        int m = PingCodec.WritePong(pongBuffer, ping, 5_000_000_001, 5_000_900_002, 1_763_769_600_000_000);
        Assert.True(PingCodec.TryReadPong(pongBuffer.AsSpan(0, m), out var pong));
        Assert.Equal(new PongFields(Run, 42, 987_654_321_123, 5_000_000_001, 5_000_900_002, 1_763_769_600_000_000, ping.PadLength), pong);
        // The pong carries the same padding back: its size exceeds the ping's by exactly the rx/tx/wc fields.
        Assert.Equal(n + ",\"rx\":5000000.001,\"tx\":5000900.002,\"wc\":1763769600000000".Length, m);
    }

    [Fact]
    public void WritePing_Payload200_ExactLengthForEverySeq()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        for (long seq = 0; seq <= 100_000; seq++)
        {
            long ts = 123_456_789 + (seq * 100_000_000);
            Assert.Equal(200, PingCodec.WritePing(buffer, Run, seq, ts, 200));
        }
    }

    [Fact]
    public void WritePing_Payload64_IsTheUnpaddedMinimumBecauseFieldsAloneExceed64()
    {
        // The fields alone take at least 78 bytes (25 prefix + 32 run id + 8 + seq + 6 + ts + 1), so a 64-byte
        // request cannot be met: the ping is written unpadded, never truncated.
        var buffer = new byte[PingCodec.MaxMessageBytes];
        for (long seq = 0; seq <= 100_000; seq++)
        {
            long ts = 123_456_789 + (seq * 100_000_000);
            int n = PingCodec.WritePing(buffer, Run, seq, ts, 64);
            Assert.Equal(PingCodec.UnpaddedPingSize(seq, ts), n);
            Assert.True(n > 64);
        }
    }

    [Fact]
    public void WritePing_EveryPayloadFromUnpaddedPlusPadField_IsExact()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int unpadded = PingCodec.UnpaddedPingSize(5, 1_000_000);
        // ,"pad":"" is 9 bytes: the smallest padded message is unpadded + 9.
        for (int payload = unpadded + 9; payload <= PingCodec.MaxPayloadBytes; payload++)
        {
            Assert.Equal(payload, PingCodec.WritePing(buffer, Run, 5, 1_000_000, payload));
        }
    }

    [Fact]
    public void WritePing_BufferTooSmall_Throws()
    {
        var buffer = new byte[50];
        Assert.Throws<ArgumentException>(() => PingCodec.WritePing(buffer, Run, 1, 1, 0));
    }

    [Fact]
    public void TryReadPing_UnknownScalarField_Accepted()
    {
        Assert.True(ReadsAsPing($"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"extra\":\"a\\u0041\"}}"));
    }

    public static TheoryData<string> BadPings => new()
    {
        $"{{\"v\":2,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000}}",                  // wrong version
        $"{{\"v\":1.5,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000}}",                // non-integer version
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"seq\":2,\"ts\":1.000}}",        // duplicate field
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"ts\":1.000}}",     // duplicate field
        $"{{\"v\":1,\"t\":\"p\\u0069ng\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000}}",            // escaped kind
        $"{{\"v\":1,\"t\":\"ping\",\"s\\u0065q\":1,\"run\":\"{RunHex}\",\"ts\":1.000}}",            // escaped name
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"\\u0030123456789abcdef0123456789abcdef\",\"seq\":1,\"ts\":1.000}}", // escaped run
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"pad\":\"x\\u0078\"}}", // escaped pad
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"x\":{{\"a\":1}}}}", // nested object
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"x\":[1]}}",        // nested array
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":{{\"a\":1}},\"ts\":1.000}}",        // object as seq
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1}}",                               // missing ts
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1.5,\"ts\":1.000}}",                // fractional seq
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":-1.000}}",                 // negative time
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1e300}}",                  // absurd time
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":\"1.000\"}}",              // string time
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex[..31]}\",\"seq\":1,\"ts\":1.000}}",            // short run id
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000}} ",                 // trailing byte
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000}}{{}}",              // two objects
        $"{{\"v\":1,\"t\":\"pong\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000}}",                  // pong kind
        $"{{\"v\":1,\"t\":\"ping\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"rx\":1.000}}",     // pong field
        "[1,2,3]",
        "{}",
        "",
        "{",
    };

    [Theory]
    [MemberData(nameof(BadPings))]
    public void TryReadPing_BadMessage_ReturnsFalse(string json)
    {
        Assert.False(ReadsAsPing(json));
    }

    [Fact]
    public void TryReadPong_Ping_ReturnsFalse()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(buffer, Run, 1, 1000, 100);
        Assert.False(PingCodec.TryReadPong(buffer.AsSpan(0, n), out _));
    }

    [Fact]
    public void TryReadPong_MissingWallAnchor_ReturnsFalse()
    {
        Assert.False(ReadsAsPong($"{{\"v\":1,\"t\":\"pong\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"rx\":2.000,\"tx\":3.000}}"));
        Assert.True(ReadsAsPong($"{{\"v\":1,\"t\":\"pong\",\"run\":\"{RunHex}\",\"seq\":1,\"ts\":1.000,\"rx\":2.000,\"tx\":3.000,\"wc\":5}}"));
    }

    [Fact]
    public void TryRead_EveryTruncation_ReturnsFalse()
    {
        var ping = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(ping, Run, 3, 55_000, 120);
        Assert.True(PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields));
        var pong = new byte[PingCodec.MaxMessageBytes];
        int m = PingCodec.WritePong(pong, fields, 1, 2, 3);
        for (int length = 0; length < n; length++)
        {
            Assert.False(PingCodec.TryReadPing(ping.AsSpan(0, length), out _));
        }
        for (int length = 0; length < m; length++)
        {
            Assert.False(PingCodec.TryReadPong(pong.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void TryRead_OversizedMessage_ReturnsFalse()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes + 1];
        buffer.AsSpan().Fill((byte)' ');
        buffer[0] = (byte)'{';
        Assert.False(PingCodec.TryReadPing(buffer, out _));
        Assert.False(PingCodec.TryReadPong(buffer, out _));
    }
}

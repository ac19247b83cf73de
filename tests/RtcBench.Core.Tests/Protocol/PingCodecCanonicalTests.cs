using System.Text;
using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Protocol;

/// <summary>
/// The canonical reader is only a faster way to the general reader's answer: whatever it accepts, the general reader
/// accepts with the same fields; and it accepts everything <see cref="PingCodec"/> writes.
/// </summary>
public sealed class PingCodecCanonicalTests
{
    private const long MaxNs = 9_000_000_000_000_000; // 9e12 µs, the largest timestamp either reader takes

    [Fact]
    public void CanonicalReader_EverythingTheCodecWrites_SameFieldsAsGeneralReader()
    {
        var random = new Random(20261207);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        for (int i = 0; i < 20_000; i++)
        {
            var run = new RunId(new Guid(NextBytes(random, 16)));
            long seq = NextSeq(random);
            long ts = NextNs(random);
            int payload = random.Next(4) == 0 ? 0 : random.Next(0, 400);
            int n = PingCodec.WritePing(buffer, run, seq, ts, payload);
            var ping = buffer.AsSpan(0, n);
            Assert.True(PingCodecCanonical.TryReadPing(ping, out var fast), Encoding.UTF8.GetString(ping));
            Assert.True(PingCodec.TryReadPingGeneral(ping, out var general));
            Assert.Equal(general, fast);
            if (ts < 1L << 51)
            {
                // Exact to the ns up to ~26 days of uptime; above, both readers round alike (µs in a double).
                Assert.Equal(new PingFields(run, seq, ts, fast.PadLength), fast);
            }

            long wc = random.Next(3) == 0 ? -random.NextInt64(1L << 53) + 1 : random.NextInt64(1L << 53);
            int m = PingCodec.WritePong(buffer, fast, NextNs(random), NextNs(random), wc);
            var pong = buffer.AsSpan(0, m);
            Assert.True(PingCodecCanonical.TryReadPong(pong, out var fastPong), Encoding.UTF8.GetString(pong));
            Assert.True(PingCodec.TryReadPongGeneral(pong, out var generalPong));
            Assert.Equal(generalPong, fastPong);
            Assert.False(PingCodecCanonical.TryReadPing(pong, out _));
            Assert.False(PingCodecCanonical.TryReadPong(ping, out _));
        }
    }

    [Theory]
    [InlineData("0.000")]
    [InlineData("0.001")]
    [InlineData("0.500")]
    [InlineData("1.005")]
    [InlineData("123456.789")]
    [InlineData("4503599627370.495")] // around 2^52 ns
    [InlineData("8999999999999.999")]
    [InlineData("9000000000000.000")]
    public void CanonicalReader_TimestampEdges_SameAsGeneralReader(string micros)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"v\":1,\"t\":\"ping\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":0,\"ts\":{micros}}}");
        Assert.True(PingCodecCanonical.TryReadPing(json, out var fast));
        Assert.True(PingCodec.TryReadPingGeneral(json, out var general));
        Assert.Equal(general, fast);
    }

    [Theory]
    [InlineData("9000000000000.001")] // above the range: both refuse
    [InlineData("12.34")] // another number form: the general reader's business
    [InlineData("12.3456")]
    [InlineData("1.5e3")]
    [InlineData("01.000")]
    [InlineData("-1.000")]
    public void CanonicalReader_OtherTimestampForms_LeftToGeneralReader(string micros)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"v\":1,\"t\":\"ping\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":0,\"ts\":{micros}}}");
        Assert.False(PingCodecCanonical.TryReadPing(json, out _));
        Assert.Equal(PingCodec.TryReadPingGeneral(json, out var general), PingCodec.TryReadPing(json, out var combined));
        Assert.Equal(general, combined);
    }

    [Theory]
    [InlineData("{\"t\":\"ping\",\"v\":1,\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":3,\"ts\":1.000}")] // field order
    [InlineData("{\"v\":1, \"t\":\"ping\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":3,\"ts\":1.000}")] // space
    [InlineData("{\"v\":1,\"t\":\"ping\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":3,\"ts\":1.000,\"x\":2}")] // unknown field
    [InlineData("{\"v\":1,\"t\":\"ping\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":3,\"ts\":1}")]
    public void CanonicalReader_OtherLayouts_GeneralReaderReadsThem(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.False(PingCodecCanonical.TryReadPing(bytes, out _));
        Assert.True(PingCodec.TryReadPing(bytes, out var ping)); // valid JSON pings all the same
        Assert.Equal(3, ping.Seq);
    }

    [Fact]
    public void CanonicalReader_EscapedPad_RefusedByBoth()
    {
        var bytes = "{\"v\":1,\"t\":\"ping\",\"run\":\"0123456789abcdef0123456789abcdef\",\"seq\":3,\"ts\":1.000,\"pad\":\"a\\u0041\"}"u8;
        Assert.False(PingCodecCanonical.TryReadPing(bytes, out _));
        Assert.False(PingCodec.TryReadPing(bytes, out _));
    }

    [Fact]
    public void CanonicalReader_MutatedMessages_NeverAcceptsWhatGeneralReaderRefuses()
    {
        var ping = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(ping, PingCodecTests.Run, 12345, 9_876_543_210, 140);
        Assert.True(PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields));
        var pong = new byte[PingCodec.MaxMessageBytes];
        int m = PingCodec.WritePong(pong, fields, 111_000, 222_000, 1_763_769_600_000_000);
        var alphabet = "{}\":,.-+0123456789eEx\\ \u0001"u8.ToArray();
        var random = new Random(20261208);
        var work = new byte[m + 16];
        int acceptedFast = 0;
        for (int i = 0; i < 200_000; i++)
        {
            bool usePing = (i & 1) == 0;
            int length = usePing ? n : m;
            Array.Copy(usePing ? ping : pong, work, length);
            int edits = 1 + random.Next(2);
            for (int e = 0; e < edits && length > 0; e++)
            {
                int at = random.Next(length);
                switch (random.Next(4))
                {
                    case 0: work[at] = (byte)random.Next(256); break;
                    case 1: work[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 2: length = at + (random.Next(2) == 0 ? 0 : 1); break;
                    default:
                        work[at] = (byte)('0' + random.Next(10));
                        break;
                }
            }
            var span = work.AsSpan(0, length);
            if (PingCodecCanonical.TryReadPing(span, out var fastPing))
            {
                acceptedFast++;
                Assert.True(PingCodec.TryReadPingGeneral(span, out var generalPing), Encoding.Latin1.GetString(span));
                Assert.Equal(generalPing, fastPing);
            }
            if (PingCodecCanonical.TryReadPong(span, out var fastPong))
            {
                acceptedFast++;
                Assert.True(PingCodec.TryReadPongGeneral(span, out var generalPong), Encoding.Latin1.GetString(span));
                Assert.Equal(generalPong, fastPong);
            }
        }
        Assert.True(acceptedFast > 1_000, $"only {acceptedFast} mutated messages were still canonical: the test tests little");
    }

    [Fact]
    public void TryRead_GeneralReaderOnly_SameAnswers()
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(buffer, PingCodecTests.Run, 5, 1_000_000, 128);
        PingCodec.UseCanonicalReader = false;
        try
        {
            Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, n), out var ping));
            Assert.Equal(5, ping.Seq);
        }
        finally
        {
            PingCodec.UseCanonicalReader = true;
        }
    }

    private static byte[] NextBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static long NextSeq(Random random) => random.Next(5) switch
    {
        0 => -random.NextInt64(1, 1000),
        1 => random.NextInt64(long.MaxValue / 10),
        2 => 0,
        _ => random.Next(100_000),
    };

    private static long NextNs(Random random) => random.Next(4) switch
    {
        0 => random.NextInt64(1_000_000),
        1 => random.NextInt64(MaxNs + 1),
        2 => MaxNs - random.Next(1000),
        _ => random.NextInt64(100_000_000_000_000), // ~a day of uptime
    };
}

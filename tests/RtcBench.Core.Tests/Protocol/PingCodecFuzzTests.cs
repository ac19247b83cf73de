using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Protocol;

public sealed class PingCodecFuzzTests
{
    private static readonly byte[] Alphabet = "{}[]\":,.-+0123456789eEvtpingorunseqtsrxwcad\\u \t\n"u8.ToArray();

    [Fact]
    public void TryRead_MutatedValidMessages_NeverThrow()
    {
        var ping = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePing(ping, PingCodecTests.Run, 12345, 9_876_543_210, 140);
        Assert.True(PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields));
        var pong = new byte[PingCodec.MaxMessageBytes];
        int m = PingCodec.WritePong(pong, fields, 111_000, 222_000, 1_763_769_600_000_000);

        var random = new Random(20261121);
        var work = new byte[m + 16];
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            bool usePing = (i & 1) == 0;
            byte[] source = usePing ? ping : pong;
            int length = usePing ? n : m;
            Array.Copy(source, work, length);
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits && length > 0; e++)
            {
                int at = random.Next(length);
                switch (random.Next(4))
                {
                    case 0: work[at] = (byte)random.Next(256); break;
                    case 1: work[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                    case 2: length = at; break; // truncate
                    default:
                        // duplicate a chunk over a later position
                        int len = Math.Min(random.Next(1, 12), length - at);
                        int to = random.Next(length - len + 1);
                        Array.Copy(work, at, work, to, len);
                        break;
                }
            }
            var span = work.AsSpan(0, length);
            bool a = PingCodec.TryReadPing(span, out _);
            bool b = PingCodec.TryReadPong(span, out _);
            Assert.False(a && b); // never both kinds at once
            if (a || b)
            {
                accepted++;
            }
        }
        // Some single-digit edits leave a valid message (e.g. another seq); most must be rejected.
        Assert.InRange(accepted, 0, 50_000);
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrowAndReturnFalse()
    {
        var random = new Random(7);
        var buffer = new byte[300];
        for (int i = 0; i < 50_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0 && (i & 1) == 0)
            {
                buffer[0] = (byte)'{';
            }
            Assert.False(PingCodec.TryReadPing(buffer.AsSpan(0, length), out _));
            Assert.False(PingCodec.TryReadPong(buffer.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void TryRead_RandomJsonAlphabet_NeverThrows()
    {
        var random = new Random(8);
        var buffer = new byte[200];
        for (int i = 0; i < 50_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            for (int k = 0; k < length; k++)
            {
                buffer[k] = Alphabet[random.Next(Alphabet.Length)];
            }
            _ = PingCodec.TryReadPing(buffer.AsSpan(0, length), out _);
            _ = PingCodec.TryReadPong(buffer.AsSpan(0, length), out _);
        }
    }
}

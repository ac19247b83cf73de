using System.Text;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Sctp;

public sealed class Crc32cTests
{
    [Fact]
    public void Compute_CheckString_MatchesKnownAnswer() =>
        Assert.Equal(0xE306_9283u, Crc32c.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Compute_Rfc3720Vectors_Match()
    {
        // RFC 3720 §B.4 CRC examples (iSCSI uses the same CRC32c).
        Assert.Equal(0x8A91_36AAu, Crc32c.Compute(new byte[32]));
        Assert.Equal(0x62A8_AB43u, Crc32c.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD_794Eu, Crc32c.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Seal_WritesLittleEndianAtBytes8To11_AndIgnoresOldValue()
    {
        var p = new byte[16];
        p[12] = 11; // a COOKIE-ACK chunk
        p[15] = 4;
        p[8] = 0xAA;
        SctpCommonHeader.Seal(p);
        var copy = (byte[])p.Clone();
        copy.AsSpan(8, 4).Clear();
        var crc = Crc32c.Compute(copy);
        Assert.Equal([(byte)crc, (byte)(crc >> 8), (byte)(crc >> 16), (byte)(crc >> 24)], p[8..12]);
        Assert.Equal(SctpReadResult.Ok, SctpCommonHeader.TryRead(p, out _));
    }

    [Fact]
    public void Compute_EveryLengthAndOffset_MatchesTheBitwiseDefinition()
    {
        // Every tail length (8-byte steps, a 4-byte step, single bytes) at every alignment, against the polynomial bit by bit.
        var random = new Random(7);
        var data = new byte[80];
        random.NextBytes(data);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length <= data.Length - offset; length++)
            {
                var slice = data.AsSpan(offset, length);
                Assert.Equal(Bitwise(slice), Crc32c.Compute(slice));
            }
        }
    }

    [Fact]
    public void ComputeSctp_IsTheCrcWithTheChecksumFieldZeroed()
    {
        var random = new Random(11);
        for (int length = 16; length <= 64; length++)
        {
            var packet = new byte[length];
            random.NextBytes(packet);
            var zeroed = (byte[])packet.Clone();
            zeroed.AsSpan(8, 4).Clear();
            Assert.Equal(Bitwise(zeroed), Crc32c.ComputeSctp(packet));
        }
    }

    /// <summary>CRC32c by its definition: reflected 0x82F63B78, initial and final XOR 0xFFFFFFFF, one bit at a time.</summary>
    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0x82F6_3B78u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFF_FFFFu;
    }
}

using System.Buffers.Binary;
using System.Numerics;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// CRC32c (Castagnoli, reflected polynomial 0x82F63B78) as SCTP uses it (RFC 9260 §6.8 and Appendix A): initial
/// value 0xFFFFFFFF, final XOR 0xFFFFFFFF, computed over the whole packet with the checksum field zeroed and
/// stored little-endian at bytes 8..11 of the common header.
/// </summary>
internal static class Crc32c
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0xFFFF_FFFFu, data) ^ 0xFFFF_FFFFu;

    /// <summary>Running CRC without the final XOR; start with 0xFFFFFFFF.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C is the same reflected Castagnoli step (SSE4.2 / ARMv8 CRC32C instructions when present,
        // a software table otherwise): eight bytes at a time, then the tail byte by byte.
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        var table = Table;
        foreach (var b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    /// <summary>CRC of an SCTP packet as if bytes 8..11 were zero.</summary>
    public static uint ComputeSctp(ReadOnlySpan<byte> packet)
    {
        Span<byte> zero = stackalloc byte[4];
        zero.Clear();
        var crc = Append(0xFFFF_FFFFu, packet[..8]);
        crc = Append(crc, zero);
        crc = Append(crc, packet[12..]);
        return crc ^ 0xFFFF_FFFFu;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F6_3B78u ^ (c >> 1) : c >> 1;
            }

            t[i] = c;
        }

        return t;
    }
}

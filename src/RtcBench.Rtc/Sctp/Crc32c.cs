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
        // a software table otherwise): eight bytes at a time, then the tail. With the instructions the tail takes them
        // too: no table lookups, whose cache lines are cold on a path that runs once every few milliseconds.
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        if (Hardware)
        {
            if (data.Length >= 4)
            {
                crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
                data = data[4..];
            }

            foreach (var b in data)
            {
                crc = BitOperations.Crc32C(crc, b);
            }

            return crc;
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
        var crc = BitOperations.Crc32C(0xFFFF_FFFFu, BinaryPrimitives.ReadUInt64LittleEndian(packet)); // ports and tag
        crc = BitOperations.Crc32C(crc, 0u); // the checksum field, as zero
        crc = Append(crc, packet[12..]);
        return crc ^ 0xFFFF_FFFFu;
    }

    /// <summary>The CRC32C instructions are there (x86 SSE4.2, ARMv8 CRC32): BitOperations uses them for every width.</summary>
    private static readonly bool Hardware = System.Runtime.Intrinsics.X86.Sse42.IsSupported || System.Runtime.Intrinsics.Arm.Crc32.IsSupported;

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

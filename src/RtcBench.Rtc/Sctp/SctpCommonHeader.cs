using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// The 12-byte SCTP common header (RFC 9260 §3.1): source port, destination port, verification tag and the
/// CRC32c checksum (little-endian, see <see cref="Crc32c"/>).
/// </summary>
internal readonly record struct SctpCommonHeader(ushort SourcePort, ushort DestinationPort, uint VerificationTag)
{
    public const int Length = 12;

    /// <summary>
    /// Reads the header of a whole packet and verifies its checksum and that the chunks are well framed.
    /// Never throws.
    /// </summary>
    public static SctpReadResult TryRead(ReadOnlySpan<byte> packet, out SctpCommonHeader header)
    {
        header = default;
        if (packet.Length < Length + SctpChunk.HeaderLength)
        {
            return SctpReadResult.Malformed;
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(packet[8..]);
        if (stored != Crc32c.ComputeSctp(packet))
        {
            return SctpReadResult.BadChecksum;
        }

        header = new SctpCommonHeader(
            BinaryPrimitives.ReadUInt16BigEndian(packet),
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]));
        var chunks = new SctpChunkReader(packet[Length..]);
        while (chunks.TryNext(out _))
        {
        }

        return chunks.Malformed ? SctpReadResult.Malformed : SctpReadResult.Ok;
    }

    public void Write(Span<byte> dest)
    {
        BinaryPrimitives.WriteUInt16BigEndian(dest, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], VerificationTag);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[8..], 0);
    }

    /// <summary>Computes the CRC32c of a finished packet and stores it little-endian at bytes 8..11.</summary>
    public static void Seal(Span<byte> packet)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], Crc32c.Compute(packet));
    }
}

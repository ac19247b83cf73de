using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// DATA (RFC 9260 §3.3.1): flags I (0x08, SACK immediately), U (0x04, unordered), B (0x02, first fragment),
/// E (0x01, last fragment); TSN, stream identifier, stream sequence number, payload protocol identifier, user data.
/// </summary>
internal sealed class DataChunk : SctpChunk
{
    public const int DataHeaderLength = 16;
    public const byte FlagImmediate = 0x08;
    public const byte FlagUnordered = 0x04;
    public const byte FlagBeginning = 0x02;
    public const byte FlagEnding = 0x01;

    public override byte Type => SctpChunkType.Data;

    public byte Flags { get; set; }

    public uint Tsn { get; set; }

    public ushort StreamId { get; set; }

    public ushort Ssn { get; set; }

    public uint Ppid { get; set; }

    public ReadOnlyMemory<byte> UserData { get; set; }

    public bool Unordered => (Flags & FlagUnordered) != 0;

    public bool Beginning => (Flags & FlagBeginning) != 0;

    public bool Ending => (Flags & FlagEnding) != 0;

    public bool Immediate => (Flags & FlagImmediate) != 0;

    public override int Length => DataHeaderLength + UserData.Length;

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, Flags, Length);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], Tsn);
        BinaryPrimitives.WriteUInt16BigEndian(dest[8..], StreamId);
        BinaryPrimitives.WriteUInt16BigEndian(dest[10..], Ssn);
        BinaryPrimitives.WriteUInt32BigEndian(dest[12..], Ppid);
        UserData.Span.CopyTo(dest[16..]);
    }

    public static bool TryRead(ReadOnlySpan<byte> chunk, out DataChunk data)
    {
        data = null!;
        if (!TryHeader(chunk, SctpChunkType.Data, DataHeaderLength, out var flags, out var v))
        {
            return false;
        }

        data = new DataChunk
        {
            Flags = flags,
            Tsn = BinaryPrimitives.ReadUInt32BigEndian(v),
            StreamId = BinaryPrimitives.ReadUInt16BigEndian(v[4..]),
            Ssn = BinaryPrimitives.ReadUInt16BigEndian(v[6..]),
            Ppid = BinaryPrimitives.ReadUInt32BigEndian(v[8..]),
            UserData = v[12..].ToArray(),
        };
        return true;
    }
}

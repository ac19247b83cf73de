using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// A received DATA chunk (RFC 9260 §3.3.1) read in place: the user data is a slice of the packet, valid only while
/// the packet is. The allocation-free counterpart of <see cref="DataChunk.TryRead"/>.
/// </summary>
internal readonly ref struct DataChunkView
{
    private DataChunkView(byte flags, uint tsn, ushort streamId, ushort ssn, uint ppid, ReadOnlySpan<byte> userData)
    {
        Flags = flags;
        Tsn = tsn;
        StreamId = streamId;
        Ssn = ssn;
        Ppid = ppid;
        UserData = userData;
    }

    public byte Flags { get; }

    public uint Tsn { get; }

    public ushort StreamId { get; }

    public ushort Ssn { get; }

    public uint Ppid { get; }

    public ReadOnlySpan<byte> UserData { get; }

    public bool Unordered => (Flags & DataChunk.FlagUnordered) != 0;

    public bool Beginning => (Flags & DataChunk.FlagBeginning) != 0;

    public bool Ending => (Flags & DataChunk.FlagEnding) != 0;

    public bool Immediate => (Flags & DataChunk.FlagImmediate) != 0;

    /// <summary>Same checks as <see cref="DataChunk.TryRead"/>: type, minimum length, exact framing. Never throws.</summary>
    public static bool TryRead(ReadOnlySpan<byte> chunk, out DataChunkView view)
    {
        view = default;
        if (chunk.Length < DataChunk.DataHeaderLength || chunk[0] != SctpChunkType.Data)
        {
            return false;
        }

        int len = BinaryPrimitives.ReadUInt16BigEndian(chunk[2..]);
        if (len < DataChunk.DataHeaderLength || len != chunk.Length)
        {
            return false;
        }

        var v = chunk[SctpChunk.HeaderLength..len];
        view = new DataChunkView(
            chunk[1],
            BinaryPrimitives.ReadUInt32BigEndian(v),
            BinaryPrimitives.ReadUInt16BigEndian(v[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(v[6..]),
            BinaryPrimitives.ReadUInt32BigEndian(v[8..]),
            v[12..]);
        return true;
    }

    /// <summary>A heap copy (for fragments that wait for the rest of their message).</summary>
    public DataChunk ToDataChunk() => new()
    {
        Flags = Flags, Tsn = Tsn, StreamId = StreamId, Ssn = Ssn, Ppid = Ppid, UserData = UserData.ToArray(),
    };
}

using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// SACK (RFC 9260 §3.3.4): cumulative TSN ack, a_rwnd, gap ack blocks (start/end offsets from the cumulative
/// TSN ack, inclusive) and duplicate TSNs.
/// </summary>
internal sealed class SackChunk : SctpChunk
{
    public override byte Type => SctpChunkType.Sack;

    public uint CumulativeTsnAck { get; init; }

    public uint AdvertisedReceiverWindow { get; init; }

    public IReadOnlyList<(ushort Start, ushort End)> GapBlocks { get; init; } = [];

    public IReadOnlyList<uint> DuplicateTsns { get; init; } = [];

    public override int Length => 16 + (4 * GapBlocks.Count) + (4 * DuplicateTsns.Count);

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, 0, Length);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], CumulativeTsnAck);
        BinaryPrimitives.WriteUInt32BigEndian(dest[8..], AdvertisedReceiverWindow);
        BinaryPrimitives.WriteUInt16BigEndian(dest[12..], (ushort)GapBlocks.Count);
        BinaryPrimitives.WriteUInt16BigEndian(dest[14..], (ushort)DuplicateTsns.Count);
        var off = 16;
        foreach (var (s, e) in GapBlocks)
        {
            BinaryPrimitives.WriteUInt16BigEndian(dest[off..], s);
            BinaryPrimitives.WriteUInt16BigEndian(dest[(off + 2)..], e);
            off += 4;
        }

        foreach (var d in DuplicateTsns)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dest[off..], d);
            off += 4;
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> chunk, out SackChunk sack)
    {
        sack = null!;
        if (!TryHeader(chunk, SctpChunkType.Sack, 16, out _, out var v))
        {
            return false;
        }

        int gaps = BinaryPrimitives.ReadUInt16BigEndian(v[8..]);
        int dups = BinaryPrimitives.ReadUInt16BigEndian(v[10..]);
        if (v.Length != 12 + (4 * gaps) + (4 * dups))
        {
            return false;
        }

        var blocks = new (ushort, ushort)[gaps];
        var off = 12;
        for (var i = 0; i < gaps; i++, off += 4)
        {
            blocks[i] = (BinaryPrimitives.ReadUInt16BigEndian(v[off..]), BinaryPrimitives.ReadUInt16BigEndian(v[(off + 2)..]));
        }

        var dupTsns = new uint[dups];
        for (var i = 0; i < dups; i++, off += 4)
        {
            dupTsns[i] = BinaryPrimitives.ReadUInt32BigEndian(v[off..]);
        }

        sack = new SackChunk
        {
            CumulativeTsnAck = BinaryPrimitives.ReadUInt32BigEndian(v),
            AdvertisedReceiverWindow = BinaryPrimitives.ReadUInt32BigEndian(v[4..]),
            GapBlocks = blocks,
            DuplicateTsns = dupTsns,
        };
        return true;
    }
}

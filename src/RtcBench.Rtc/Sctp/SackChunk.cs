using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// SACK (RFC 9260 §3.3.4): cumulative TSN ack, a_rwnd, gap ack blocks (start/end offsets from the cumulative
/// TSN ack, inclusive) and duplicate TSNs.
/// </summary>
internal sealed class SackChunk : SctpChunk
{
    public override byte Type => SctpChunkType.Sack;

    private List<(ushort Start, ushort End)>? _gapStore;
    private List<uint>? _duplicateStore;

    public uint CumulativeTsnAck { get; set; }

    public uint AdvertisedReceiverWindow { get; set; }

    public IReadOnlyList<(ushort Start, ushort End)> GapBlocks { get; set; } = [];

    public IReadOnlyList<uint> DuplicateTsns { get; set; } = [];

    public override int Length => 16 + (4 * GapBlocks.Count) + (4 * DuplicateTsns.Count);

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, 0, Length);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], CumulativeTsnAck);
        BinaryPrimitives.WriteUInt32BigEndian(dest[8..], AdvertisedReceiverWindow);
        BinaryPrimitives.WriteUInt16BigEndian(dest[12..], (ushort)GapBlocks.Count);
        BinaryPrimitives.WriteUInt16BigEndian(dest[14..], (ushort)DuplicateTsns.Count);
        var off = 16;
        for (var i = 0; i < GapBlocks.Count; i++)
        {
            var (s, e) = GapBlocks[i];
            BinaryPrimitives.WriteUInt16BigEndian(dest[off..], s);
            BinaryPrimitives.WriteUInt16BigEndian(dest[(off + 2)..], e);
            off += 4;
        }

        for (var i = 0; i < DuplicateTsns.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dest[off..], DuplicateTsns[i]);
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

    /// <summary>
    /// Empties this instance and returns its own reusable lists for gap blocks and duplicates (set as
    /// <see cref="GapBlocks"/>/<see cref="DuplicateTsns"/>): one SackChunk can then be refilled for every SACK.
    /// </summary>
    internal (List<(ushort Start, ushort End)> Gaps, List<uint> Duplicates) Reuse(uint cumulativeTsnAck, uint advertisedWindow)
    {
        _gapStore ??= [];
        _duplicateStore ??= [];
        _gapStore.Clear();
        _duplicateStore.Clear();
        CumulativeTsnAck = cumulativeTsnAck;
        AdvertisedReceiverWindow = advertisedWindow;
        GapBlocks = _gapStore;
        DuplicateTsns = _duplicateStore;
        return (_gapStore, _duplicateStore);
    }

    /// <summary>Like <see cref="TryRead"/>, into this (reused) instance; allocation-free once its lists have grown.</summary>
    internal bool TryReadInto(ReadOnlySpan<byte> chunk)
    {
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

        if (gaps == 0 && dups == 0)
        {
            // The common SACK (nothing lost, nothing duplicated): the reusable lists are not touched.
            CumulativeTsnAck = BinaryPrimitives.ReadUInt32BigEndian(v);
            AdvertisedReceiverWindow = BinaryPrimitives.ReadUInt32BigEndian(v[4..]);
            GapBlocks = Array.Empty<(ushort Start, ushort End)>();
            DuplicateTsns = Array.Empty<uint>();
            return true;
        }

        var (gapList, dupList) = Reuse(BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v[4..]));
        var off = 12;
        for (var i = 0; i < gaps; i++, off += 4)
        {
            gapList.Add((BinaryPrimitives.ReadUInt16BigEndian(v[off..]), BinaryPrimitives.ReadUInt16BigEndian(v[(off + 2)..])));
        }

        for (var i = 0; i < dups; i++, off += 4)
        {
            dupList.Add(BinaryPrimitives.ReadUInt32BigEndian(v[off..]));
        }

        return true;
    }
}

using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// FORWARD-TSN (RFC 3758 §3.2): the new cumulative TSN and, for ordered streams whose messages were skipped,
/// the (stream, largest skipped SSN) pairs.
/// </summary>
internal sealed class ForwardTsnChunk : SctpChunk
{
    public override byte Type => SctpChunkType.ForwardTsn;

    public uint NewCumulativeTsn { get; init; }

    public IReadOnlyList<(ushort StreamId, ushort Ssn)> Streams { get; init; } = [];

    public override int Length => 8 + (4 * Streams.Count);

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, 0, Length);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], NewCumulativeTsn);
        var off = 8;
        foreach (var (sid, ssn) in Streams)
        {
            BinaryPrimitives.WriteUInt16BigEndian(dest[off..], sid);
            BinaryPrimitives.WriteUInt16BigEndian(dest[(off + 2)..], ssn);
            off += 4;
        }
    }

    public static bool TryRead(ReadOnlySpan<byte> chunk, out ForwardTsnChunk fwd)
    {
        fwd = null!;
        if (!TryHeader(chunk, SctpChunkType.ForwardTsn, 8, out _, out var v) || v.Length % 4 != 0)
        {
            return false;
        }

        var streams = new (ushort, ushort)[(v.Length - 4) / 4];
        for (var i = 0; i < streams.Length; i++)
        {
            var o = 4 + (4 * i);
            streams[i] = (BinaryPrimitives.ReadUInt16BigEndian(v[o..]), BinaryPrimitives.ReadUInt16BigEndian(v[(o + 2)..]));
        }

        fwd = new ForwardTsnChunk { NewCumulativeTsn = BinaryPrimitives.ReadUInt32BigEndian(v), Streams = streams };
        return true;
    }
}

using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>SHUTDOWN (RFC 9260 §3.3.8): carries the sender's cumulative TSN ack.</summary>
internal sealed class ShutdownChunk : SctpChunk
{
    public override byte Type => SctpChunkType.Shutdown;

    public uint CumulativeTsnAck { get; init; }

    public override int Length => 8;

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, 0, Length);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], CumulativeTsnAck);
    }

    public static bool TryRead(ReadOnlySpan<byte> chunk, out ShutdownChunk s)
    {
        s = null!;
        if (!TryHeader(chunk, SctpChunkType.Shutdown, 8, out _, out var v) || v.Length != 4)
        {
            return false;
        }

        s = new ShutdownChunk { CumulativeTsnAck = BinaryPrimitives.ReadUInt32BigEndian(v) };
        return true;
    }
}

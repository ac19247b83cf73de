namespace RtcBench.Rtc.Sctp;

/// <summary>SHUTDOWN-ACK (RFC 9260 §3.3.9).</summary>
internal sealed class ShutdownAckChunk : HeaderOnlyChunk
{
    public override byte Type => SctpChunkType.ShutdownAck;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out ShutdownAckChunk ack)
    {
        ack = new ShutdownAckChunk();
        return TryReadFlags(chunk, SctpChunkType.ShutdownAck, out _);
    }
}

namespace RtcBench.Rtc.Sctp;

/// <summary>COOKIE-ACK (RFC 9260 §3.3.12).</summary>
internal sealed class CookieAckChunk : HeaderOnlyChunk
{
    public override byte Type => SctpChunkType.CookieAck;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out CookieAckChunk ack)
    {
        ack = new CookieAckChunk();
        return TryReadFlags(chunk, SctpChunkType.CookieAck, out _);
    }
}

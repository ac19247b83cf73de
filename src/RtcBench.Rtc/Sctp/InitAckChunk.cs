namespace RtcBench.Rtc.Sctp;

/// <summary>INIT-ACK (RFC 9260 §3.3.3); must carry a State Cookie parameter (type 7).</summary>
internal sealed class InitAckChunk : InitLikeChunk
{
    public override byte Type => SctpChunkType.InitAck;

    public byte[]? StateCookie => Find(SctpParameterType.StateCookie)?.Value;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out InitAckChunk ack)
    {
        ack = null!;
        if (!TryReadFields(chunk, SctpChunkType.InitAck, out var tag, out var arwnd, out var os, out var mis, out var tsn, out var ps))
        {
            return false;
        }

        ack = new InitAckChunk
        {
            InitiateTag = tag, AdvertisedReceiverWindow = arwnd, OutboundStreams = os, InboundStreams = mis,
            InitialTsn = tsn, Parameters = ps,
        };
        return true;
    }
}

namespace RtcBench.Rtc.Sctp;

/// <summary>INIT (RFC 9260 §3.3.2), sent in a packet with verification tag 0.</summary>
internal sealed class InitChunk : InitLikeChunk
{
    public override byte Type => SctpChunkType.Init;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out InitChunk init)
    {
        init = null!;
        if (!TryReadFields(chunk, SctpChunkType.Init, out var tag, out var arwnd, out var os, out var mis, out var tsn, out var ps))
        {
            return false;
        }

        init = new InitChunk
        {
            InitiateTag = tag, AdvertisedReceiverWindow = arwnd, OutboundStreams = os, InboundStreams = mis,
            InitialTsn = tsn, Parameters = ps,
        };
        return true;
    }
}

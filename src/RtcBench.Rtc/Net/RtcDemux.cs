namespace RtcBench.Rtc.Net;

/// <summary>The RFC 7983 demultiplexer: one look at the first byte decides which protocol gets a datagram.</summary>
public static class RtcDemux
{
    public static RtcPacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return RtcPacketKind.Other;
        }

        return datagram[0] switch
        {
            <= 3 => RtcPacketKind.Stun,
            >= 20 and <= 63 => RtcPacketKind.Dtls,
            >= 64 and <= 79 => RtcPacketKind.TurnChannel,
            _ => RtcPacketKind.Other,
        };
    }
}

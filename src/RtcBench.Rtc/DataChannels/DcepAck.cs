namespace RtcBench.Rtc.DataChannels;

/// <summary>DATA_CHANNEL_ACK (RFC 8832 §5.2): the single byte 0x02, sent on the stream the OPEN arrived on.</summary>
public sealed record DcepAck : DcepMessage
{
    public static DcepAck Instance { get; } = new();

    public override byte MessageType => AckMessageType;
}

namespace RtcBench.Rtc.DataChannels;

/// <summary>A Data Channel Establishment Protocol message (RFC 8832 §5), sent on the channel's stream with PPID 50.</summary>
public abstract record DcepMessage
{
    /// <summary>DATA_CHANNEL_ACK.</summary>
    public const byte AckMessageType = 0x02;

    /// <summary>DATA_CHANNEL_OPEN.</summary>
    public const byte OpenMessageType = 0x03;

    public abstract byte MessageType { get; }
}

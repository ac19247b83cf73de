namespace RtcBench.Rtc.DataChannels;

/// <summary>
/// DATA_CHANNEL_OPEN (RFC 8832 §5.1): channel type, priority, reliability parameter (retransmissions for the
/// <c>Rexmit</c> types, milliseconds for the <c>Timed</c> types, ignored otherwise), label and subprotocol (UTF-8).
/// </summary>
public sealed record DcepOpen(
    DataChannelType ChannelType,
    ushort Priority,
    uint ReliabilityParameter,
    string Label,
    string Protocol) : DcepMessage
{
    /// <summary>The priority browsers send by default ("normal" in the W3C API); Chromium 156 sends 256.</summary>
    public const ushort NormalPriority = 256;

    public override byte MessageType => OpenMessageType;

    public bool IsOrdered => ((byte)ChannelType & 0x80) == 0;

    /// <summary>The retransmission limit of a <c>Rexmit</c> channel (maxRetransmits), else null.</summary>
    public uint? MaxRetransmits => ((byte)ChannelType & 0x7F) == 0x01 ? ReliabilityParameter : null;

    /// <summary>The lifetime in milliseconds of a <c>Timed</c> channel (maxPacketLifeTime), else null.</summary>
    public uint? MaxPacketLifeTimeMs => ((byte)ChannelType & 0x7F) == 0x02 ? ReliabilityParameter : null;
}

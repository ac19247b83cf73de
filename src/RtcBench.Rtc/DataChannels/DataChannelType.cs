namespace RtcBench.Rtc.DataChannels;

/// <summary>
/// The channel type of a DATA_CHANNEL_OPEN (RFC 8832 §5.1, IANA "DCEP Channel Types"). The high bit (0x80) means
/// unordered; the low bits pick full reliability, a retransmission limit or a lifetime (PR-SCTP, RFC 3758).
/// </summary>
public enum DataChannelType : byte
{
    Reliable = 0x00,
    PartialReliableRexmit = 0x01,
    PartialReliableTimed = 0x02,
    ReliableUnordered = 0x80,
    PartialReliableRexmitUnordered = 0x81,
    PartialReliableTimedUnordered = 0x82,
}

using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Outgoing SSN Reset Request parameter (RFC 6525 §4.1, type 13): request sequence number, response sequence
/// number (the last request seen from the peer), the sender's last assigned TSN, and the streams to reset (none
/// means all). The first request sequence number is the sender's initial TSN (§5.1.1).
/// </summary>
internal sealed record OutgoingSsnResetRequest(uint RequestSeq, uint ResponseSeq, uint SendersLastAssignedTsn,
    IReadOnlyList<ushort> Streams)
{
    public SctpTlv ToTlv()
    {
        var v = new byte[12 + (2 * Streams.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(v, RequestSeq);
        BinaryPrimitives.WriteUInt32BigEndian(v.AsSpan(4), ResponseSeq);
        BinaryPrimitives.WriteUInt32BigEndian(v.AsSpan(8), SendersLastAssignedTsn);
        for (var i = 0; i < Streams.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(v.AsSpan(12 + (2 * i)), Streams[i]);
        }

        return new SctpTlv(SctpParameterType.OutgoingSsnResetRequest, v);
    }

    public static bool TryRead(SctpTlv tlv, out OutgoingSsnResetRequest req)
    {
        req = null!;
        var v = tlv.Value;
        if (tlv.Type != SctpParameterType.OutgoingSsnResetRequest || v.Length < 12 || v.Length % 2 != 0)
        {
            return false;
        }

        var streams = new ushort[(v.Length - 12) / 2];
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i] = BinaryPrimitives.ReadUInt16BigEndian(v.AsSpan(12 + (2 * i)));
        }

        req = new OutgoingSsnResetRequest(BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(4)),
            BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(8)), streams);
        return true;
    }
}

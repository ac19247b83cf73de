namespace RtcBench.Rtc.Sctp;

/// <summary>HEARTBEAT-ACK (RFC 9260 §3.3.6): echoes the Heartbeat Info parameter of the HEARTBEAT.</summary>
internal sealed class HeartbeatAckChunk : TlvListChunk
{
    public override byte Type => SctpChunkType.HeartbeatAck;

    public byte[]? Info => Items.Count > 0 && Items[0].Type == SctpParameterType.HeartbeatInfo ? Items[0].Value : null;

    public static HeartbeatAckChunk WithInfo(byte[] info) => new() { Items = [new SctpTlv(SctpParameterType.HeartbeatInfo, info)] };

    public static bool TryRead(ReadOnlySpan<byte> chunk, out HeartbeatAckChunk hb)
    {
        var ok = TryReadItems(chunk, SctpChunkType.HeartbeatAck, out var flags, out var items);
        hb = new HeartbeatAckChunk { Flags = flags, Items = items };
        return ok && hb.Info is not null;
    }
}

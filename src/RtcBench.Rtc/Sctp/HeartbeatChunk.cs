namespace RtcBench.Rtc.Sctp;

/// <summary>HEARTBEAT (RFC 9260 §3.3.5): one Heartbeat Info parameter (type 1), opaque to the receiver.</summary>
internal sealed class HeartbeatChunk : TlvListChunk
{
    public override byte Type => SctpChunkType.Heartbeat;

    public byte[]? Info => Items.Count > 0 && Items[0].Type == SctpParameterType.HeartbeatInfo ? Items[0].Value : null;

    public static HeartbeatChunk WithInfo(byte[] info) => new() { Items = [new SctpTlv(SctpParameterType.HeartbeatInfo, info)] };

    public static bool TryRead(ReadOnlySpan<byte> chunk, out HeartbeatChunk hb)
    {
        var ok = TryReadItems(chunk, SctpChunkType.Heartbeat, out var flags, out var items);
        hb = new HeartbeatChunk { Flags = flags, Items = items };
        return ok && hb.Info is not null;
    }
}

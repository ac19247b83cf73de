namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Shared shape of chunks whose value is a list of TLVs: HEARTBEAT/HEARTBEAT-ACK (parameters), ABORT/ERROR
/// (error causes), RE-CONFIG (parameters).
/// </summary>
internal abstract class TlvListChunk : SctpChunk
{
    public byte Flags { get; init; }

    public IReadOnlyList<SctpTlv> Items { get; init; } = [];

    public override int Length => HeaderLength + SctpTlv.TotalLength(Items);

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, Flags, Length);
        SctpTlv.WriteAll(Items, dest[HeaderLength..]);
    }

    protected static bool TryReadItems(ReadOnlySpan<byte> chunk, byte type, out byte flags, out List<SctpTlv> items)
    {
        items = [];
        return TryHeader(chunk, type, HeaderLength, out flags, out var v) && SctpTlv.TryReadAll(v, items);
    }
}

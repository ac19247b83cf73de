namespace RtcBench.Rtc.Sctp;

/// <summary>
/// RE-CONFIG (RFC 6525 §3.1): one or two re-configuration parameters, e.g. an Outgoing SSN Reset Request
/// (<see cref="OutgoingSsnResetRequest"/>) and/or a Re-configuration Response (<see cref="ReconfigResponse"/>).
/// </summary>
internal sealed class ReConfigChunk : TlvListChunk
{
    public override byte Type => SctpChunkType.ReConfig;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out ReConfigChunk c)
    {
        var ok = TryReadItems(chunk, SctpChunkType.ReConfig, out var flags, out var items);
        c = new ReConfigChunk { Flags = flags, Items = items };
        return ok && items.Count is 1 or 2;
    }
}

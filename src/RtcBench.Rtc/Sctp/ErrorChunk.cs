namespace RtcBench.Rtc.Sctp;

/// <summary>
/// ERROR (RFC 9260 §3.3.10): one or more error causes, e.g. Unrecognized Chunk Type (cause 6) whose information
/// is the whole unrecognized chunk.
/// </summary>
internal sealed class ErrorChunk : TlvListChunk
{
    public override byte Type => SctpChunkType.Error;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out ErrorChunk error)
    {
        var ok = TryReadItems(chunk, SctpChunkType.Error, out var flags, out var items);
        error = new ErrorChunk { Flags = flags, Items = items };
        return ok;
    }
}

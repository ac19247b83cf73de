namespace RtcBench.Rtc.Sctp;

/// <summary>
/// SHUTDOWN-COMPLETE (RFC 9260 §3.3.13). Flag T (0x01): the verification tag is the receiver's own tag
/// ("reflected"), used when the sender has no TCB.
/// </summary>
internal sealed class ShutdownCompleteChunk : HeaderOnlyChunk
{
    public const byte FlagT = 0x01;

    public override byte Type => SctpChunkType.ShutdownComplete;

    public bool TagReflected => (Flags & FlagT) != 0;

    public static bool TryRead(ReadOnlySpan<byte> chunk, out ShutdownCompleteChunk c)
    {
        var ok = TryReadFlags(chunk, SctpChunkType.ShutdownComplete, out var flags);
        c = new ShutdownCompleteChunk { Flags = flags };
        return ok;
    }
}

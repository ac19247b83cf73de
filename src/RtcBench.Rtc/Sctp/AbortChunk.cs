using System.Text;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// ABORT (RFC 9260 §3.3.7): zero or more error causes (§3.3.10). Flag T (0x01): the verification tag is the
/// receiver's own tag (reflected).
/// </summary>
internal sealed class AbortChunk : TlvListChunk
{
    public const byte FlagT = 0x01;

    public override byte Type => SctpChunkType.Abort;

    public bool TagReflected => (Flags & FlagT) != 0;

    /// <summary>A User-Initiated Abort (cause 12) with an upper-layer reason, as Chromium sends on pc.close().</summary>
    public static AbortChunk UserInitiated(string reason) =>
        new() { Items = [new SctpTlv(SctpErrorCauseCode.UserInitiatedAbort, Encoding.UTF8.GetBytes(reason))] };

    public static bool TryRead(ReadOnlySpan<byte> chunk, out AbortChunk abort)
    {
        var ok = TryReadItems(chunk, SctpChunkType.Abort, out var flags, out var items);
        abort = new AbortChunk { Flags = flags, Items = items };
        return ok;
    }
}

namespace RtcBench.Rtc.Sctp;

/// <summary>Shared shape of chunks with no value: SHUTDOWN-ACK, COOKIE-ACK, SHUTDOWN-COMPLETE (RFC 9260 §3.3).</summary>
internal abstract class HeaderOnlyChunk : SctpChunk
{
    public byte Flags { get; init; }

    public override int Length => HeaderLength;

    public override void Write(Span<byte> dest) => WriteHeader(dest, Type, Flags, HeaderLength);

    /// <summary>Accepts the chunk and ignores any value bytes, as receivers of these chunks may.</summary>
    protected static bool TryReadFlags(ReadOnlySpan<byte> chunk, byte type, out byte flags)
    {
        flags = 0;
        if (chunk.Length < HeaderLength || chunk[0] != type)
        {
            return false;
        }

        flags = chunk[1];
        return true;
    }
}

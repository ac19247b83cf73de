namespace RtcBench.Rtc.Sctp;

/// <summary>COOKIE-ECHO (RFC 9260 §3.3.11): the state cookie from the INIT-ACK, byte for byte.</summary>
internal sealed class CookieEchoChunk : SctpChunk
{
    public override byte Type => SctpChunkType.CookieEcho;

    public byte[] Cookie { get; init; } = [];

    public override int Length => HeaderLength + Cookie.Length;

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, 0, Length);
        Cookie.CopyTo(dest[HeaderLength..]);
    }

    public static bool TryRead(ReadOnlySpan<byte> chunk, out CookieEchoChunk echo)
    {
        echo = null!;
        if (!TryHeader(chunk, SctpChunkType.CookieEcho, HeaderLength, out _, out var v))
        {
            return false;
        }

        echo = new CookieEchoChunk { Cookie = v.ToArray() };
        return true;
    }
}

using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Walks the chunks after the common header (RFC 9260 §3.2). Each chunk is returned exactly (header included,
/// padding excluded). Stops, and sets <see cref="Malformed"/>, at a chunk shorter than 4 bytes or running past the
/// end. Never throws.
/// </summary>
internal ref struct SctpChunkReader
{
    private ReadOnlySpan<byte> _rest;

    public SctpChunkReader(ReadOnlySpan<byte> chunks) => _rest = chunks;

    public bool Malformed { get; private set; }

    public bool TryNext(out ReadOnlySpan<byte> chunk)
    {
        chunk = default;
        if (_rest.IsEmpty || Malformed)
        {
            return false;
        }

        if (_rest.Length < SctpChunk.HeaderLength)
        {
            Malformed = true;
            return false;
        }

        int len = BinaryPrimitives.ReadUInt16BigEndian(_rest[2..]);
        if (len < SctpChunk.HeaderLength || len > _rest.Length)
        {
            Malformed = true;
            return false;
        }

        chunk = _rest[..len];
        var padded = (len + 3) & ~3;
        _rest = padded >= _rest.Length ? [] : _rest[padded..];
        return true;
    }
}

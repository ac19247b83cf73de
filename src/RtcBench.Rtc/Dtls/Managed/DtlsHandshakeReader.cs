using System.Buffers.Binary;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Reads handshake message bodies. Never throws on bad bytes: a read past the end (or a vector longer than what is
/// left) sets <see cref="Failed"/> and returns zeros/empty from then on; callers check <see cref="Ok"/> once at the end.
/// </summary>
internal ref struct DtlsHandshakeReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _at;

    internal DtlsHandshakeReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _at = 0;
        Failed = false;
    }

    internal bool Failed { get; private set; }

    internal readonly int Remaining => _data.Length - _at;

    /// <summary>True when nothing failed and every byte was read.</summary>
    internal readonly bool Ok => !Failed && _at == _data.Length;

    internal int U8()
    {
        var b = Take(1);
        return b.Length == 1 ? b[0] : 0;
    }

    internal int U16()
    {
        var b = Take(2);
        return b.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(b) : 0;
    }

    internal int U24()
    {
        var b = Take(3);
        return b.Length == 3 ? (b[0] << 16) | (b[1] << 8) | b[2] : 0;
    }

    internal ReadOnlySpan<byte> Bytes(int count) => Take(count);

    /// <summary>An opaque vector with a <paramref name="width"/>-byte length prefix.</summary>
    internal ReadOnlySpan<byte> Vector(int width)
    {
        int length = width switch
        {
            1 => U8(),
            2 => U16(),
            _ => U24(),
        };
        return Take(length);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (Failed || count < 0 || count > Remaining)
        {
            Failed = true;
            return default;
        }

        var slice = _data.Slice(_at, count);
        _at += count;
        return slice;
    }
}

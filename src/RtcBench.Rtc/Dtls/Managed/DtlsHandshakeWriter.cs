using System.Buffers.Binary;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Builds handshake message bodies (RFC 5246 §7.4 presentation language): integers, opaque vectors with 1-, 2- or
/// 3-byte length prefixes (opened with <c>Begin*</c>, closed with <see cref="End"/>). Handshake only; allocates.
/// </summary>
internal sealed class DtlsHandshakeWriter
{
    private readonly Stack<(int At, int Width)> _open = new();
    private byte[] _buffer = new byte[256];

    internal int Length { get; private set; }

    internal DtlsHandshakeWriter U8(int value)
    {
        Ensure(1);
        _buffer[Length++] = (byte)value;
        return this;
    }

    internal DtlsHandshakeWriter U16(int value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Length), (ushort)value);
        Length += 2;
        return this;
    }

    internal DtlsHandshakeWriter U24(int value)
    {
        Ensure(3);
        WriteU24(_buffer.AsSpan(Length), value);
        Length += 3;
        return this;
    }

    internal DtlsHandshakeWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    /// <summary>Opens a vector whose length prefix is <paramref name="width"/> bytes (1, 2 or 3).</summary>
    internal DtlsHandshakeWriter Begin(int width)
    {
        Ensure(width);
        _open.Push((Length, width));
        Length += width;
        return this;
    }

    internal DtlsHandshakeWriter End()
    {
        var (at, width) = _open.Pop();
        int length = Length - at - width;
        var span = _buffer.AsSpan(at);
        switch (width)
        {
            case 1:
                span[0] = checked((byte)length);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(span, checked((ushort)length));
                break;
            default:
                WriteU24(span, length);
                break;
        }

        return this;
    }

    internal byte[] ToArray() => _open.Count == 0
        ? _buffer.AsSpan(0, Length).ToArray()
        : throw new InvalidOperationException("A vector is still open.");

    internal static void WriteU24(Span<byte> destination, int value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}

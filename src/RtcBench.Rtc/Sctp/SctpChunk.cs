using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// A chunk that can be written (RFC 9260 §3.2: type, flags, length, value). <see cref="Length"/> excludes the
/// trailing padding; the packet writer adds it.
/// </summary>
internal abstract class SctpChunk
{
    public const int HeaderLength = 4;

    public abstract byte Type { get; }

    public abstract int Length { get; }

    /// <summary>Writes exactly <see cref="Length"/> bytes.</summary>
    public abstract void Write(Span<byte> dest);

    public byte[] ToArray()
    {
        var b = new byte[Length];
        Write(b);
        return b;
    }

    protected static void WriteHeader(Span<byte> dest, byte type, byte flags, int length)
    {
        dest[0] = type;
        dest[1] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], checked((ushort)length));
    }

    /// <summary>Validates the common chunk header of <paramref name="chunk"/> (exact, unpadded) against a type.</summary>
    protected static bool TryHeader(ReadOnlySpan<byte> chunk, byte type, int minLength, out byte flags,
        out ReadOnlySpan<byte> value)
    {
        flags = 0;
        value = default;
        if (chunk.Length < HeaderLength || chunk[0] != type)
        {
            return false;
        }

        int len = BinaryPrimitives.ReadUInt16BigEndian(chunk[2..]);
        if (len < minLength || len != chunk.Length)
        {
            return false;
        }

        flags = chunk[1];
        value = chunk[HeaderLength..len];
        return true;
    }
}

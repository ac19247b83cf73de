using System.Buffers.Binary;

namespace RtcBench.Rtc.Turn;

/// <summary>
/// ChannelData messages (RFC 8656 §12.4): channel number (0x4000..0x4FFF) and length in a 4-byte header, then the
/// application data. Over UDP padding to 4 bytes is not required: we send none and accept it (§12.5). The first byte
/// is 0x40..0x4F, which is how a shared socket tells them apart (RFC 7983 §7). Never throws on bad bytes.
/// </summary>
public static class TurnChannelData
{
    public const int HeaderSize = 4;

    public const ushort FirstChannel = 0x4000;

    public const ushort LastChannel = 0x4FFF;

    public static bool IsValidChannel(ushort channel) => channel is >= FirstChannel and <= LastChannel;

    /// <summary>The RFC 7983 test: a datagram whose first byte is 0x40..0x4F (cheap; <see cref="TryRead"/> validates).</summary>
    public static bool LooksLikeChannelData(ReadOnlySpan<byte> datagram) =>
        datagram.Length > 0 && datagram[0] is >= 0x40 and <= 0x4F;

    /// <summary>
    /// Reads the header: a valid channel, and a length that, with the header, is the whole datagram exactly or padded
    /// to a multiple of 4. The data is <c>datagram.Slice(HeaderSize, dataLength)</c>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ushort channel, out int dataLength)
    {
        channel = 0;
        dataLength = 0;
        if (datagram.Length < HeaderSize)
        {
            return false;
        }

        ushort number = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        int remaining = datagram.Length - HeaderSize;
        if (!IsValidChannel(number) || (remaining != length && remaining != ((length + 3) & ~3)))
        {
            return false;
        }

        channel = number;
        dataLength = length;
        return true;
    }

    /// <summary>Writes header and data (no padding) and returns the size. Misuse (bad channel, too small) throws.</summary>
    public static int Write(Span<byte> destination, ushort channel, ReadOnlySpan<byte> data)
    {
        if (!IsValidChannel(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Channel numbers are 0x4000..0x4FFF.");
        }

        if (data.Length > ushort.MaxValue || destination.Length < HeaderSize + data.Length)
        {
            throw new ArgumentException("The ChannelData message does not fit.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)data.Length);
        data.CopyTo(destination[HeaderSize..]);
        return HeaderSize + data.Length;
    }
}

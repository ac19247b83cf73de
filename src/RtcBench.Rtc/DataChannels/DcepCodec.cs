using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace RtcBench.Rtc.DataChannels;

/// <summary>
/// Reads and writes DCEP messages (RFC 8832 §5). OPEN layout, big-endian: message type (1), channel type (1),
/// priority (2), reliability parameter (4), label length (2), protocol length (2), label, protocol. ACK is one byte.
/// </summary>
public static class DcepCodec
{
    /// <summary>The fixed part of an OPEN before the label.</summary>
    public const int OpenHeaderLength = 12;

    /// <summary>
    /// Decodes a DCEP message. False (never an exception) for an empty buffer, an unknown message or channel type,
    /// lengths that run past the end, or a label or protocol that is not valid UTF-8. Bytes after an OPEN's protocol
    /// are ignored.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out DcepMessage? message)
    {
        message = null;
        if (data.IsEmpty)
        {
            return false;
        }

        switch (data[0])
        {
            case DcepMessage.AckMessageType:
                message = DcepAck.Instance;
                return true;
            case DcepMessage.OpenMessageType:
                return TryReadOpen(data, out message);
            default:
                return false;
        }
    }

    /// <summary>The encoded size of <paramref name="message"/>.</summary>
    public static int GetEncodedLength(DcepMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            DcepAck => 1,
            DcepOpen open => OpenHeaderLength + Utf8Length(open.Label, nameof(DcepOpen.Label)) + Utf8Length(open.Protocol, nameof(DcepOpen.Protocol)),
            _ => throw new ArgumentException("Unknown DCEP message.", nameof(message)),
        };
    }

    /// <summary>Encodes into <paramref name="destination"/>; false if it is too small. A label or protocol over
    /// 65535 UTF-8 bytes is misuse and throws <see cref="ArgumentException"/>.</summary>
    public static bool TryWrite(DcepMessage message, Span<byte> destination, out int written)
    {
        written = 0;
        var length = GetEncodedLength(message);
        if (destination.Length < length)
        {
            return false;
        }

        destination[0] = message.MessageType;
        if (message is DcepOpen open)
        {
            destination[1] = (byte)open.ChannelType;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], open.Priority);
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], open.ReliabilityParameter);
            var labelLength = Encoding.UTF8.GetBytes(open.Label, destination[OpenHeaderLength..]);
            var protocolLength = Encoding.UTF8.GetBytes(open.Protocol, destination[(OpenHeaderLength + labelLength)..]);
            BinaryPrimitives.WriteUInt16BigEndian(destination[8..], (ushort)labelLength);
            BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)protocolLength);
        }

        written = length;
        return true;
    }

    public static byte[] Encode(DcepMessage message)
    {
        var buffer = new byte[GetEncodedLength(message)];
        TryWrite(message, buffer, out _);
        return buffer;
    }

    private static bool TryReadOpen(ReadOnlySpan<byte> data, out DcepMessage? message)
    {
        message = null;
        if (data.Length < OpenHeaderLength || !IsKnownChannelType(data[1]))
        {
            return false;
        }

        var priority = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        var reliability = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int labelLength = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int protocolLength = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        if (data.Length - OpenHeaderLength < labelLength + protocolLength)
        {
            return false;
        }

        var label = data.Slice(OpenHeaderLength, labelLength);
        var protocol = data.Slice(OpenHeaderLength + labelLength, protocolLength);
        if (!Utf8.IsValid(label) || !Utf8.IsValid(protocol))
        {
            return false;
        }

        message = new DcepOpen(
            (DataChannelType)data[1], priority, reliability, Encoding.UTF8.GetString(label), Encoding.UTF8.GetString(protocol));
        return true;
    }

    private static bool IsKnownChannelType(byte type) => (DataChannelType)type is
        DataChannelType.Reliable or DataChannelType.ReliableUnordered
        or DataChannelType.PartialReliableRexmit or DataChannelType.PartialReliableRexmitUnordered
        or DataChannelType.PartialReliableTimed or DataChannelType.PartialReliableTimedUnordered;

    private static int Utf8Length(string? text, string name)
    {
        ArgumentNullException.ThrowIfNull(text, name);
        var length = Encoding.UTF8.GetByteCount(text);
        return length <= ushort.MaxValue
            ? length
            : throw new ArgumentException($"The DCEP {name} is longer than 65535 UTF-8 bytes.", name);
    }
}

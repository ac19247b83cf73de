using System.Buffers.Binary;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// Steps through the attributes of a message whose header already passed <see cref="StunMessageReader.IsStun"/>,
/// checking each attribute's bounds (4-byte header, value, padding to 4 bytes: RFC 8489 §14). Allocation-free.
/// </summary>
internal ref struct StunAttributeWalker
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;

    public StunAttributeWalker(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = StunMessageReader.HeaderSize;
    }

    public ushort Type { get; private set; }

    /// <summary>Offset of the current attribute's header in the message.</summary>
    public int Offset { get; private set; }

    public int ValueLength { get; private set; }

    /// <summary>Set when the walk stopped because an attribute ran past the end of the message.</summary>
    public bool Malformed { get; private set; }

    public readonly ReadOnlySpan<byte> Value => _message.Slice(Offset + 4, ValueLength);

    public bool MoveNext()
    {
        int remaining = _message.Length - _next;
        if (remaining <= 0)
        {
            return false;
        }

        if (remaining < 4)
        {
            Malformed = true;
            return false;
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(_message[_next..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(_next + 2)..]);
        int padded = (length + 3) & ~3;
        if (padded > remaining - 4)
        {
            Malformed = true;
            return false;
        }

        Type = type;
        Offset = _next;
        ValueLength = length;
        _next += 4 + padded;
        return true;
    }
}

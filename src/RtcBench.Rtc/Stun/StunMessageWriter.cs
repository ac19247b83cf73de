using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// Writes one STUN message into a caller's buffer, attribute by attribute, without allocating. The header's length
/// field is kept current after every attribute. MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT are computed over what
/// was written before them (RFC 8489 §14.5-14.7); after FINGERPRINT nothing may follow, after MESSAGE-INTEGRITY only
/// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT. Too small a buffer or a misplaced attribute is a programming error and
/// throws.
/// </summary>
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private readonly byte _padding;
    private int _length;
    private Stage _stage;

    /// <param name="buffer">Destination; 20 bytes for the header plus every attribute, padded.</param>
    /// <param name="type">Message class and method.</param>
    /// <param name="transactionId">Transaction id (also the IPv6 XOR mask).</param>
    /// <param name="paddingByte">Value of padding bytes; RFC 8489 says any value, we default to zero (RFC 5769's
    /// vectors use 0x20).</param>
    public StunMessageWriter(Span<byte> buffer, StunMessageType type, StunTransactionId transactionId, byte paddingByte = 0)
    {
        if (buffer.Length < StunMessageReader.HeaderSize)
        {
            throw new ArgumentException("A STUN header needs 20 bytes.", nameof(buffer));
        }

        _buffer = buffer;
        _padding = paddingByte;
        TransactionId = transactionId;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type.ToWire());
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessageReader.MagicCookie);
        transactionId.WriteTo(buffer[8..]);
        _length = StunMessageReader.HeaderSize;
    }

    public StunTransactionId TransactionId { get; }

    /// <summary>Bytes written so far (header included).</summary>
    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Adds an attribute with an arbitrary value (unknown types, or re-encoding a parsed one).</summary>
    public void AddRaw(ushort type, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Begin(type, value.Length));
        End(value.Length);
    }

    public void AddUsername(ReadOnlySpan<char> username) => AddText(StunAttributeType.Username, username);

    public void AddSoftware(ReadOnlySpan<char> software) => AddText(StunAttributeType.Software, software);

    public void AddMappedAddress(IPEndPoint endpoint) => AddAddress(StunAttributeType.MappedAddress, endpoint, xor: false);

    public void AddXorMappedAddress(IPEndPoint endpoint) => AddAddress(StunAttributeType.XorMappedAddress, endpoint, xor: true);

    public void AddErrorCode(int code, ReadOnlySpan<char> reason)
    {
        var value = Begin(StunAttributeType.ErrorCode, 4 + Encoding.UTF8.GetByteCount(reason));
        End(StunErrorCode.Write(value, code, reason));
    }

    public void AddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        var value = Begin(StunAttributeType.UnknownAttributes, 2 * types.Length);
        for (int i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], types[i]);
        }

        End(2 * types.Length);
    }

    public void AddPriority(uint priority)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Begin(StunAttributeType.Priority, 4), priority);
        End(4);
    }

    public void AddUseCandidate()
    {
        Begin(StunAttributeType.UseCandidate, 0);
        End(0);
    }

    public void AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    public void AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    /// <summary>REALM (RFC 8489 §14.9): at most 763 UTF-8 bytes.</summary>
    public void AddRealm(ReadOnlySpan<char> realm) => AddText(StunAttributeType.Realm, realm);

    /// <summary>NONCE (RFC 8489 §14.10): at most 763 UTF-8 bytes.</summary>
    public void AddNonce(ReadOnlySpan<char> nonce) => AddText(StunAttributeType.Nonce, nonce);

    /// <summary>TURN LIFETIME (RFC 8656 §18.2): seconds.</summary>
    public void AddLifetime(uint seconds)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Begin(StunAttributeType.Lifetime, 4), seconds);
        End(4);
    }

    /// <summary>TURN REQUESTED-TRANSPORT (RFC 8656 §18.7): the IP protocol number (17 = UDP) and 3 reserved bytes.</summary>
    public void AddRequestedTransport(byte protocol)
    {
        var value = Begin(StunAttributeType.RequestedTransport, 4);
        value[0] = protocol;
        value[1..4].Clear();
        End(4);
    }

    /// <summary>TURN CHANNEL-NUMBER (RFC 8656 §18.1): the number and 2 reserved bytes.</summary>
    public void AddChannelNumber(ushort channel)
    {
        var value = Begin(StunAttributeType.ChannelNumber, 4);
        BinaryPrimitives.WriteUInt16BigEndian(value, channel);
        value[2..4].Clear();
        End(4);
    }

    /// <summary>TURN XOR-PEER-ADDRESS (RFC 8656 §18.3), encoded like XOR-MAPPED-ADDRESS.</summary>
    public void AddXorPeerAddress(IPEndPoint endpoint) => AddAddress(StunAttributeType.XorPeerAddress, endpoint, xor: true);

    /// <summary>TURN XOR-RELAYED-ADDRESS (RFC 8656 §18.5), encoded like XOR-MAPPED-ADDRESS.</summary>
    public void AddXorRelayedAddress(IPEndPoint endpoint) =>
        AddAddress(StunAttributeType.XorRelayedAddress, endpoint, xor: true);

    /// <summary>TURN DATA (RFC 8656 §18.4): the application bytes.</summary>
    public void AddData(ReadOnlySpan<byte> data) => AddRaw(StunAttributeType.Data, data);

    /// <summary>MESSAGE-INTEGRITY: HMAC-SHA1 keyed with <paramref name="key"/> (short-term: the password's UTF-8).</summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key) =>
        AddIntegrity(StunAttributeType.MessageIntegrity, key, StunIntegrity.Sha1Size);

    /// <summary>MESSAGE-INTEGRITY-SHA256, untruncated (32 bytes).</summary>
    public void AddMessageIntegritySha256(ReadOnlySpan<byte> key) =>
        AddIntegrity(StunAttributeType.MessageIntegritySha256, key, StunIntegrity.Sha256Size);

    public void AddFingerprint()
    {
        EnsureOpen(StunAttributeType.Fingerprint);
        ushort lengthField = (ushort)(_length - StunMessageReader.HeaderSize + 8);
        uint fingerprint = StunFingerprint.Compute(_buffer[.._length], lengthField);
        BinaryPrimitives.WriteUInt32BigEndian(Begin(StunAttributeType.Fingerprint, 4), fingerprint);
        End(4);
    }

    /// <summary>Copies the message to a new array.</summary>
    public readonly byte[] ToArray() => Written.ToArray();

    private void AddIntegrity(ushort type, ReadOnlySpan<byte> key, int size)
    {
        EnsureOpen(type);
        EnsureRoom(4 + size);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessageReader.HeaderSize + 4 + size));
        Span<byte> mac = stackalloc byte[StunIntegrity.Sha256Size];
        StunIntegrity.Compute(_buffer[.._length], key, type, mac[..size]);
        mac[..size].CopyTo(Begin(type, size));
        End(size);
    }

    private void AddText(ushort type, ReadOnlySpan<char> text)
    {
        int size = Encoding.UTF8.GetByteCount(text);
        if (size > 763)
        {
            throw new ArgumentException("STUN text attributes hold at most 763 bytes.", nameof(text));
        }

        End(Encoding.UTF8.GetBytes(text, Begin(type, size)));
    }

    private void AddAddress(ushort type, IPEndPoint endpoint, bool xor)
    {
        var value = Begin(type, StunAddress.MaxValueSize);
        End(StunAddress.Write(value, endpoint, xor, TransactionId));
    }

    private void AddUInt64(ushort type, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Begin(type, 8), value);
        End(8);
    }

    /// <summary>Writes the type, reserves room for up to <paramref name="maxValue"/> bytes and returns the value span.</summary>
    private Span<byte> Begin(ushort type, int maxValue)
    {
        EnsureOpen(type);
        EnsureRoom(4 + ((maxValue + 3) & ~3));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], type);
        return _buffer.Slice(_length + 4, maxValue);
    }

    /// <summary>Completes the attribute begun last with its actual value length, pads it and updates the header.</summary>
    private void End(int valueLength)
    {
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(_buffer[_length..]);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_length + 2)..], (ushort)valueLength);
        int padded = (valueLength + 3) & ~3;
        _buffer.Slice(_length + 4 + valueLength, padded - valueLength).Fill(_padding);
        _length += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessageReader.HeaderSize));
        _stage = type switch
        {
            StunAttributeType.Fingerprint => Stage.Closed,
            StunAttributeType.MessageIntegrity => Stage.AfterSha1,
            StunAttributeType.MessageIntegritySha256 => Stage.AfterSha256,
            _ => _stage,
        };
    }

    private readonly void EnsureOpen(ushort type)
    {
        bool allowed = _stage switch
        {
            Stage.Open => true,
            Stage.AfterSha1 => type is StunAttributeType.MessageIntegritySha256 or StunAttributeType.Fingerprint,
            Stage.AfterSha256 => type == StunAttributeType.Fingerprint,
            _ => false,
        };
        if (!allowed)
        {
            throw new InvalidOperationException(
                "Only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow MESSAGE-INTEGRITY, and nothing FINGERPRINT.");
        }
    }

    private readonly void EnsureRoom(int bytes)
    {
        if (_buffer.Length - _length < bytes || _length + bytes - StunMessageReader.HeaderSize > ushort.MaxValue)
        {
            throw new ArgumentException("The STUN message does not fit in the buffer.");
        }
    }

    private enum Stage
    {
        Open,
        AfterSha1,
        AfterSha256,
        Closed,
    }
}

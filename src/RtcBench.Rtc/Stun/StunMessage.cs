using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// A parsed STUN message (RFC 8489 §5): type, transaction id, attributes in wire order (unknown ones kept raw),
/// and the raw bytes they point into. Built by <see cref="StunMessageReader.TryRead"/>; messages are written with
/// <see cref="StunMessageWriter"/>. Typed getters return <c>false</c> when an attribute is absent or malformed.
/// </summary>
public sealed class StunMessage
{
    private readonly byte[] _raw;
    private readonly StunAttribute[] _attributes;

    internal StunMessage(StunMessageType type, StunTransactionId transactionId, byte[] raw, StunAttribute[] attributes)
    {
        Type = type;
        TransactionId = transactionId;
        _raw = raw;
        _attributes = attributes;
    }

    public StunMessageType Type { get; }

    public StunClass Class => Type.Class;

    public StunMethod Method => Type.Method;

    public StunTransactionId TransactionId { get; }

    /// <summary>The datagram this message was read from.</summary>
    public ReadOnlyMemory<byte> Raw => _raw;

    /// <summary>Attributes in wire order, without those RFC 8489 §14.5 says to ignore (after the integrity ones).</summary>
    public IReadOnlyList<StunAttribute> Attributes => _attributes;

    /// <summary>The first attribute of <paramref name="type"/> (RFC 8489 §14: later duplicates are ignored).</summary>
    public bool TryGetAttribute(ushort type, out StunAttribute attribute)
    {
        foreach (var candidate in _attributes)
        {
            if (candidate.Type == type)
            {
                attribute = candidate;
                return true;
            }
        }

        attribute = default;
        return false;
    }

    public bool Contains(ushort type) => TryGetAttribute(type, out _);

    /// <summary>
    /// Copies the types of comprehension-required attributes this library does not understand into
    /// <paramref name="destination"/> (as many as fit) and returns how many there are in total.
    /// </summary>
    public int GetUnknownComprehensionRequired(Span<ushort> destination)
    {
        int count = 0;
        foreach (var attribute in _attributes)
        {
            if (attribute.IsComprehensionRequired && !StunAttributeType.IsUnderstood(attribute.Type))
            {
                if (count < destination.Length)
                {
                    destination[count] = attribute.Type;
                }

                count++;
            }
        }

        return count;
    }

    public bool TryGetUsername(out string username) => TryGetText(StunAttributeType.Username, 763, out username);

    public bool TryGetSoftware(out string software) => TryGetText(StunAttributeType.Software, 763, out software);

    public bool TryGetMappedAddress(out IPEndPoint? endpoint)
    {
        endpoint = null;
        return TryGetAttribute(StunAttributeType.MappedAddress, out var a) && StunAddress.TryReadMapped(a.Value.Span, out endpoint);
    }

    public bool TryGetXorMappedAddress(out IPEndPoint? endpoint)
    {
        endpoint = null;
        return TryGetAttribute(StunAttributeType.XorMappedAddress, out var a)
            && StunAddress.TryReadXorMapped(a.Value.Span, TransactionId, out endpoint);
    }

    public bool TryGetErrorCode(out StunErrorCode error)
    {
        error = default;
        return TryGetAttribute(StunAttributeType.ErrorCode, out var a) && StunErrorCode.TryRead(a.Value.Span, out error);
    }

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.9): a list of 16-bit types.</summary>
    public bool TryGetUnknownAttributes(out ushort[] types)
    {
        types = [];
        if (!TryGetAttribute(StunAttributeType.UnknownAttributes, out var a) || (a.Value.Length & 1) != 0)
        {
            return false;
        }

        var span = a.Value.Span;
        types = new ushort[span.Length / 2];
        for (int i = 0; i < types.Length; i++)
        {
            types[i] = BinaryPrimitives.ReadUInt16BigEndian(span[(2 * i)..]);
        }

        return true;
    }

    /// <summary>PRIORITY (RFC 8445 §7.1.1): 32 bits.</summary>
    public bool TryGetPriority(out uint priority)
    {
        priority = 0;
        if (!TryGetAttribute(StunAttributeType.Priority, out var a) || a.Value.Length != 4)
        {
            return false;
        }

        priority = BinaryPrimitives.ReadUInt32BigEndian(a.Value.Span);
        return true;
    }

    /// <summary>USE-CANDIDATE (RFC 8445 §7.1.2): no value.</summary>
    public bool HasUseCandidate => Contains(StunAttributeType.UseCandidate);

    /// <summary>ICE-CONTROLLING (RFC 8445 §7.1.3): the sender's 64-bit tie-breaker.</summary>
    public bool TryGetIceControlling(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlling, out tieBreaker);

    /// <summary>ICE-CONTROLLED (RFC 8445 §7.1.3): the sender's 64-bit tie-breaker.</summary>
    public bool TryGetIceControlled(out ulong tieBreaker) => TryGetUInt64(StunAttributeType.IceControlled, out tieBreaker);

    /// <summary>REALM (RFC 8489 §14.9).</summary>
    public bool TryGetRealm(out string realm) => TryGetText(StunAttributeType.Realm, 763, out realm);

    /// <summary>NONCE (RFC 8489 §14.10).</summary>
    public bool TryGetNonce(out string nonce) => TryGetText(StunAttributeType.Nonce, 763, out nonce);

    /// <summary>TURN LIFETIME (RFC 8656 §18.2): seconds.</summary>
    public bool TryGetLifetime(out uint seconds)
    {
        seconds = 0;
        if (!TryGetAttribute(StunAttributeType.Lifetime, out var a) || a.Value.Length != 4)
        {
            return false;
        }

        seconds = BinaryPrimitives.ReadUInt32BigEndian(a.Value.Span);
        return true;
    }

    /// <summary>TURN CHANNEL-NUMBER (RFC 8656 §18.1): the first 16 of its 32 bits.</summary>
    public bool TryGetChannelNumber(out ushort channel)
    {
        channel = 0;
        if (!TryGetAttribute(StunAttributeType.ChannelNumber, out var a) || a.Value.Length != 4)
        {
            return false;
        }

        channel = BinaryPrimitives.ReadUInt16BigEndian(a.Value.Span);
        return true;
    }

    /// <summary>TURN XOR-PEER-ADDRESS (RFC 8656 §18.3).</summary>
    public bool TryGetXorPeerAddress(out IPEndPoint? endpoint)
    {
        endpoint = null;
        return TryGetAttribute(StunAttributeType.XorPeerAddress, out var a)
            && StunAddress.TryReadXorMapped(a.Value.Span, TransactionId, out endpoint);
    }

    /// <summary>TURN XOR-RELAYED-ADDRESS (RFC 8656 §18.5).</summary>
    public bool TryGetXorRelayedAddress(out IPEndPoint? endpoint)
    {
        endpoint = null;
        return TryGetAttribute(StunAttributeType.XorRelayedAddress, out var a)
            && StunAddress.TryReadXorMapped(a.Value.Span, TransactionId, out endpoint);
    }

    /// <summary>TURN DATA (RFC 8656 §18.4): a view into <see cref="Raw"/>.</summary>
    public bool TryGetData(out ReadOnlyMemory<byte> data)
    {
        data = default;
        if (!TryGetAttribute(StunAttributeType.Data, out var a))
        {
            return false;
        }

        data = a.Value;
        return true;
    }

    /// <summary>FINGERPRINT's value, as carried.</summary>
    public bool TryGetFingerprint(out uint fingerprint)
    {
        fingerprint = 0;
        if (!TryGetAttribute(StunAttributeType.Fingerprint, out var a) || a.Value.Length != 4)
        {
            return false;
        }

        fingerprint = BinaryPrimitives.ReadUInt32BigEndian(a.Value.Span);
        return true;
    }

    public bool VerifyIntegrity(ReadOnlySpan<byte> key) => StunMessageReader.VerifyIntegrity(_raw, key);

    public bool VerifyIntegritySha256(ReadOnlySpan<byte> key) => StunMessageReader.VerifyIntegritySha256(_raw, key);

    public bool VerifyFingerprint() => StunMessageReader.VerifyFingerprint(_raw);

    private bool TryGetUInt64(ushort type, out ulong value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var a) || a.Value.Length != 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(a.Value.Span);
        return true;
    }

    private bool TryGetText(ushort type, int maxBytes, out string text)
    {
        text = string.Empty;
        if (!TryGetAttribute(type, out var a) || a.Value.Length > maxBytes)
        {
            return false;
        }

        text = Encoding.UTF8.GetString(a.Value.Span);
        return true;
    }
}

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// Parses STUN messages (RFC 8489 §5, §14) from untrusted bytes. Nothing here throws on bad input: malformed
/// datagrams make the methods return <c>false</c>.
/// </summary>
/// <remarks>
/// Rules applied: 20-byte header with the two top bits zero, the magic cookie (RFC 3489 messages without it are
/// not accepted), a length field that is a multiple of 4 and equals the datagram's remaining length (STUN over UDP
/// is one message per datagram), every attribute padded to 4 bytes and inside the message, at most
/// <see cref="MaxAttributes"/> attributes, FINGERPRINT last. Attributes after MESSAGE-INTEGRITY other than
/// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and after MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT, are
/// ignored (left out of <see cref="StunMessage.Attributes"/>) as RFC 8489 §14.5 and §14.6 require.
/// </remarks>
public static class StunMessageReader
{
    public const int HeaderSize = 20;

    public const uint MagicCookie = 0x2112A442;

    /// <summary>Upper bound on attributes in one message; more than this and the message is rejected.</summary>
    public const int MaxAttributes = 64;

    /// <summary>
    /// The demultiplexing test (RFC 7983 §7: first byte 0..3) tightened with the magic cookie and a consistent
    /// length, so DTLS (20..63), RTP/RTCP (128..191) and garbage are told apart cheaply. Allocation-free.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderSize || datagram[0] > 3)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != MagicCookie)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        return (length & 3) == 0 && length == datagram.Length - HeaderSize;
    }

    /// <summary>Parses one message; the bytes are copied, so the input may be reused afterwards.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out StunMessage? message)
    {
        message = null;
        if (!IsStun(datagram))
        {
            return false;
        }

        int kept = CountKept(datagram);
        if (kept < 0)
        {
            return false;
        }

        byte[] raw = datagram.ToArray();
        var attributes = new StunAttribute[kept];
        int index = 0;
        var walker = new StunAttributeWalker(raw);
        var stage = IntegrityStage.None;
        while (walker.MoveNext())
        {
            if (Keeps(ref stage, walker.Type))
            {
                attributes[index++] = new StunAttribute(
                    walker.Type, new ReadOnlyMemory<byte>(raw, walker.Offset + 4, walker.ValueLength), walker.Offset);
            }
        }

        var type = StunMessageType.FromWire(BinaryPrimitives.ReadUInt16BigEndian(raw));
        var transactionId = StunTransactionId.Read(raw.AsSpan(8));
        message = new StunMessage(type, transactionId, raw, attributes);
        return true;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) of a raw message against <paramref name="key"/> (for
    /// short-term credentials, the password's UTF-8 bytes). Constant-time comparison; false when absent or malformed.
    /// </summary>
    public static bool VerifyIntegrity(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> key) =>
        StunIntegrity.Verify(raw, key, StunAttributeType.MessageIntegrity);

    /// <summary>Checks MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), which may be truncated to 16..32 bytes.</summary>
    public static bool VerifyIntegritySha256(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> key) =>
        StunIntegrity.Verify(raw, key, StunAttributeType.MessageIntegritySha256);

    /// <summary>Checks FINGERPRINT (RFC 8489 §14.7); false when absent, not last or wrong.</summary>
    public static bool VerifyFingerprint(ReadOnlySpan<byte> raw) => StunFingerprint.Verify(raw);

    /// <summary>Validates the attribute layout; returns how many attributes are kept, or -1 when malformed.</summary>
    private static int CountKept(ReadOnlySpan<byte> datagram)
    {
        var walker = new StunAttributeWalker(datagram);
        int total = 0;
        int kept = 0;
        bool sawFingerprint = false;
        var stage = IntegrityStage.None;
        while (walker.MoveNext())
        {
            if (sawFingerprint || ++total > MaxAttributes)
            {
                return -1;
            }

            sawFingerprint = walker.Type == StunAttributeType.Fingerprint;
            if (Keeps(ref stage, walker.Type))
            {
                kept++;
            }
        }

        return walker.Malformed ? -1 : kept;
    }

    private static bool Keeps(ref IntegrityStage stage, ushort type)
    {
        switch (stage)
        {
            case IntegrityStage.None:
                if (type == StunAttributeType.MessageIntegrity)
                {
                    stage = IntegrityStage.AfterSha1;
                }
                else if (type == StunAttributeType.MessageIntegritySha256)
                {
                    stage = IntegrityStage.AfterSha256;
                }

                return true;
            case IntegrityStage.AfterSha1:
                if (type == StunAttributeType.MessageIntegritySha256)
                {
                    stage = IntegrityStage.AfterSha256;
                    return true;
                }

                return type == StunAttributeType.Fingerprint;
            default:
                return type == StunAttributeType.Fingerprint;
        }
    }

    private enum IntegrityStage
    {
        None,
        AfterSha1,
        AfterSha256,
    }
}

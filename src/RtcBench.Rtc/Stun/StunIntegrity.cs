using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and MESSAGE-INTEGRITY-SHA256 (§14.6): the HMAC covers the message
/// up to the attribute's header, with the header's length field set as if the attribute were the last one.
/// </summary>
internal static class StunIntegrity
{
    public const int Sha1Size = 20;

    public const int Sha256Size = 32;

    /// <summary>Messages up to this size are copied to the stack for hashing; larger ones to a pooled array.</summary>
    private const int StackLimit = 1024;

    /// <summary>
    /// HMAC of <paramref name="prefix"/> (header + attributes before the integrity attribute, length field already
    /// adjusted by the caller) into <paramref name="destination"/> (20 or 32 bytes).
    /// </summary>
    public static void Compute(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, ushort type, Span<byte> destination)
    {
        if (type == StunAttributeType.MessageIntegrity)
        {
            // SHA-1 is what RFC 8489 §14.5 and ICE (RFC 8445 §7.2.2) mandate for MESSAGE-INTEGRITY; HMAC-SHA1 is not
            // affected by SHA-1's collision weaknesses.
#pragma warning disable CA5350
            HMACSHA1.HashData(key, prefix, destination);
#pragma warning restore CA5350
        }
        else
        {
            HMACSHA256.HashData(key, prefix, destination);
        }
    }

    /// <summary>Verifies the first attribute of <paramref name="type"/> in a raw message. Never throws.</summary>
    public static bool Verify(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> key, ushort type)
    {
        if (!StunMessageReader.IsStun(raw))
        {
            return false;
        }

        var walker = new StunAttributeWalker(raw);
        while (walker.MoveNext())
        {
            if (walker.Type == type)
            {
                return VerifyAt(raw, key, type, walker.Offset, walker.Value);
            }

            if (walker.Type == StunAttributeType.Fingerprint)
            {
                return false;
            }
        }

        return false;
    }

    private static bool VerifyAt(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> key, ushort type, int offset,
        ReadOnlySpan<byte> expected)
    {
        bool sha1 = type == StunAttributeType.MessageIntegrity;
        if (sha1 ? expected.Length != Sha1Size
                 : expected.Length < 16 || expected.Length > Sha256Size || (expected.Length & 3) != 0)
        {
            return false;
        }

        byte[]? rented = null;
        Span<byte> prefix = offset <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(offset));
        try
        {
            prefix = prefix[..offset];
            raw[..offset].CopyTo(prefix);
            BinaryPrimitives.WriteUInt16BigEndian(
                prefix[2..], (ushort)(offset - StunMessageReader.HeaderSize + 4 + expected.Length));
            Span<byte> mac = stackalloc byte[Sha256Size];
            mac = mac[..(sha1 ? Sha1Size : Sha256Size)];
            Compute(prefix, key, type, mac);
            return CryptographicOperations.FixedTimeEquals(mac[..expected.Length], expected);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

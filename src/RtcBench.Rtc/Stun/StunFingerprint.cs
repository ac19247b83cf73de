using System.Buffers.Binary;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, with the length field counting the
/// attribute, XOR 0x5354554E. It must be the last attribute.
/// </summary>
internal static class StunFingerprint
{
    public const uint Xor = 0x5354554E;

    /// <summary>
    /// The fingerprint of <paramref name="prefix"/> computed as if its length field read
    /// <paramref name="lengthField"/>, without copying the message.
    /// </summary>
    public static uint Compute(ReadOnlySpan<byte> prefix, ushort lengthField)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, lengthField);
        uint crc = Crc32.Update(Crc32.Start, prefix[..2]);
        crc = Crc32.Update(crc, length);
        crc = Crc32.Update(crc, prefix[4..]);
        return Crc32.Finish(crc) ^ Xor;
    }

    public static bool Verify(ReadOnlySpan<byte> raw)
    {
        if (!StunMessageReader.IsStun(raw))
        {
            return false;
        }

        var walker = new StunAttributeWalker(raw);
        while (walker.MoveNext())
        {
            if (walker.Type != StunAttributeType.Fingerprint)
            {
                continue;
            }

            if (walker.ValueLength != 4 || walker.Offset + 8 != raw.Length)
            {
                return false;
            }

            uint expected = BinaryPrimitives.ReadUInt32BigEndian(walker.Value);
            ushort length = (ushort)(walker.Offset - StunMessageReader.HeaderSize + 8);
            return Compute(raw[..walker.Offset], length) == expected;
        }

        return false;
    }
}

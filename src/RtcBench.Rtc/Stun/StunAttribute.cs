namespace RtcBench.Rtc.Stun;

/// <summary>
/// One attribute as it appeared on the wire: its type, its value without padding, and the offset of its 4-byte
/// header in <see cref="StunMessage.Raw"/> (integrity and fingerprint are computed up to that offset).
/// Unknown attributes are kept like this, raw.
/// </summary>
public readonly record struct StunAttribute(ushort Type, ReadOnlyMemory<byte> Value, int Offset)
{
    public bool IsComprehensionRequired => StunAttributeType.IsComprehensionRequired(Type);
}

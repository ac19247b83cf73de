namespace RtcBench.Rtc.Stun;

/// <summary>
/// STUN methods (RFC 8489 §18.2). Only Binding is used by ICE; other 12-bit values pass through as numbers.
/// </summary>
public enum StunMethod
{
    None = 0x000,
    Binding = 0x001,
}

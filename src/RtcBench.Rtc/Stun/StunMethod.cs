namespace RtcBench.Rtc.Stun;

/// <summary>
/// STUN methods (RFC 8489 §18.2; TURN: RFC 8656 §17). ICE uses Binding, the TURN client (Turn/) the others; other
/// 12-bit values pass through as numbers.
/// </summary>
public enum StunMethod
{
    None = 0x000,
    Binding = 0x001,
    Allocate = 0x003,
    Refresh = 0x004,
    Send = 0x006,
    Data = 0x007,
    CreatePermission = 0x008,
    ChannelBind = 0x009,
}

namespace RtcBench.Rtc.Stun;

/// <summary>
/// A STUN message type: a class and a 12-bit method, interleaved on the wire as
/// <c>M11..M7 C1 M6..M4 C0 M3..M0</c> (RFC 8489 §5, figure 3).
/// </summary>
public readonly record struct StunMessageType(StunClass Class, StunMethod Method)
{
    public static readonly StunMessageType BindingRequest = new(StunClass.Request, StunMethod.Binding);
    public static readonly StunMessageType BindingIndication = new(StunClass.Indication, StunMethod.Binding);
    public static readonly StunMessageType BindingSuccess = new(StunClass.SuccessResponse, StunMethod.Binding);
    public static readonly StunMessageType BindingError = new(StunClass.ErrorResponse, StunMethod.Binding);

    /// <summary>The 14-bit wire value (the two most significant bits of the 16-bit field are zero).</summary>
    public ushort ToWire()
    {
        int m = (int)Method & 0x0FFF;
        int c = (int)Class & 0x3;
        return (ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    /// <summary>Decodes the wire value; the two top bits are ignored (the reader rejects them first).</summary>
    public static StunMessageType FromWire(ushort value)
    {
        int m = (value & 0x000F) | ((value & 0x00E0) >> 1) | ((value & 0x3E00) >> 2);
        int c = ((value >> 4) & 1) | ((value >> 7) & 2);
        return new StunMessageType((StunClass)c, (StunMethod)m);
    }
}

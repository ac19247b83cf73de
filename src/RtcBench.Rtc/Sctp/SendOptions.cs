namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Delivery options of one message. <see cref="MaxRetransmits"/> and <see cref="LifetimeNs"/> make it partially
/// reliable (RFC 3758): 0 retransmits means "send once"; lifetime counts from <see cref="SctpAssociation.Send"/>.
/// </summary>
public readonly record struct SendOptions(bool Ordered = true, int? MaxRetransmits = null, long? LifetimeNs = null)
{
    public static SendOptions Reliable => new(true);

    public static SendOptions Unordered => new(false);
}

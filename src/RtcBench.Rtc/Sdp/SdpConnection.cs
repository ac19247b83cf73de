namespace RtcBench.Rtc.Sdp;

/// <summary><c>c=&lt;nettype&gt; &lt;addrtype&gt; &lt;connection-address&gt;</c> (RFC 8866 §5.7).</summary>
public sealed record SdpConnection(string NetType, string AddressType, string Address)
{
    /// <summary>The placeholder JSEP writes before any candidate is known (RFC 8829 §5.2.1).</summary>
    public static SdpConnection Placeholder { get; } = new("IN", "IP4", "0.0.0.0");

    public override string ToString() => NetType + " " + AddressType + " " + Address;
}

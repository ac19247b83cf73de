namespace RtcBench.Rtc.Sdp;

/// <summary>
/// An extension pair after the fixed candidate fields (RFC 8839 §5.1 <c>extension-att-name extension-att-value</c>),
/// for example Chromium's <c>generation 0</c>, <c>ufrag abcd</c>, <c>network-id 1</c>, <c>network-cost 10</c>.
/// </summary>
public sealed record IceCandidateExtension(string Name, string Value)
{
    public override string ToString() => Name + " " + Value;
}

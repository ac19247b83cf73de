namespace RtcBench.Rtc.Sdp;

/// <summary>The <c>typ</c> of a candidate (RFC 8839 §5.1, RFC 8445 §5.1.1).</summary>
public enum IceCandidateType
{
    Host = 0,
    ServerReflexive = 1,
    PeerReflexive = 2,
    Relay = 3,
}

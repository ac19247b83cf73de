namespace RtcBench.Rtc.Ice;

/// <summary>An ICE agent's role (RFC 8445 §6.1.1): the controlling agent nominates the pair, the controlled one follows.</summary>
public enum IceRole
{
    /// <summary>Sends ICE-CONTROLLING and nominates (here aggressively: USE-CANDIDATE on every check).</summary>
    Controlling,

    /// <summary>Sends ICE-CONTROLLED and uses the pair the controlling agent nominates.</summary>
    Controlled,
}

namespace RtcBench.Rtc.Peer;

/// <summary>Which local candidates ICE may use (W3C RTCIceTransportPolicy).</summary>
public enum IceTransportPolicy
{
    /// <summary>Host candidates, and a TURN relay candidate when an ICE server gives one.</summary>
    All,

    /// <summary>Only the TURN relay candidate (LiveKit's <c>force_relay</c>): without a usable TURN server the connection fails.</summary>
    Relay,
}

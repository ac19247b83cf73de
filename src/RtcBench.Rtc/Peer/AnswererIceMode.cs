namespace RtcBench.Rtc.Peer;

/// <summary>How the answering side (<see cref="PeerConnection.AcceptOffer"/>) does ICE.</summary>
public enum AnswererIceMode
{
    /// <summary>ICE-lite (RFC 8445 §2.5): answers checks, sends none, always controlled. Enough behind a public address
    /// facing a full offerer (the echo agent); two lite agents never connect.</summary>
    Lite,

    /// <summary>A full agent that sends its own checks: controlled when the offerer is full (the offerer controls),
    /// controlling when the offer says <c>a=ice-lite</c> (as an ICE-lite SFU such as LiveKit's may).</summary>
    Full,
}

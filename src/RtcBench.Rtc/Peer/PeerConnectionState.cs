namespace RtcBench.Rtc.Peer;

public enum PeerConnectionState
{
    /// <summary>Created; no remote description yet.</summary>
    New,

    /// <summary>ICE, DTLS and SCTP are being set up.</summary>
    Connecting,

    /// <summary>The SCTP association is up: data channels can be opened and used.</summary>
    Connected,

    /// <summary>Terminal: a phase failed or timed out, or consent was lost (see <see cref="PeerConnection.Outcome"/>).</summary>
    Failed,

    /// <summary>Terminal: closed here or by the peer.</summary>
    Closed,
}

namespace RtcBench.Rtc.Peer;

public enum DataChannelState
{
    /// <summary>Waiting for the association (and, for a channel we open, the DCEP ACK).</summary>
    Connecting,

    Open,

    /// <summary>Our outgoing stream reset is under way.</summary>
    Closing,

    Closed,
}

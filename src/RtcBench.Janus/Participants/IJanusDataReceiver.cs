namespace RtcBench.Janus.Participants;

/// <summary>
/// Where a participant delivers the data it receives through Janus: the message (valid only during the call) and the
/// socket receive time of the datagram that completed it. Called on the peer connection's receive thread, under its lock: must not block.
/// </summary>
public interface IJanusDataReceiver
{
    void OnData(ReadOnlySpan<byte> message, long receivedNs);
}

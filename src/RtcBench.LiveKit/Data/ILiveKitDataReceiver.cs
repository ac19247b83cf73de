namespace RtcBench.LiveKit.Data;

/// <summary>
/// Receives every user data packet that reaches a <see cref="Participant.LiveKitParticipant"/>, on the receive thread
/// of the peer connection it arrived on, under its lock: must not block (sending from here is fine), and must copy <paramref name="payload"/> to keep it.
/// </summary>
public interface ILiveKitDataReceiver
{
    /// <param name="kind">The channel it arrived on (the server sets the kind from the channel).</param>
    /// <param name="senderIdentity">The sender's identity as the server stamped it (empty for a hidden sender):
    /// what a reply is addressed to.</param>
    /// <param name="payload">UserPacket.payload.</param>
    /// <param name="receivedNs">Monotonic ns at which the socket returned the datagram that completed the message.</param>
    void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs);
}

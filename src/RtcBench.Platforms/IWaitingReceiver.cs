namespace RtcBench.Platforms;

/// <summary>
/// A channel whose answers the thread that sends the pings can receive itself while it waits for its next send: one
/// thread that sends and receives, as a plain echo client is, instead of a receive thread that each pong has to wake
/// (the difference is measured in bench/results/udp-floor.md). What is measured does not change: the receive
/// timestamp is still taken the moment the socket read returns, and every datagram reaches the sink exactly once,
/// read by whichever thread owns receiving at that moment. Sends are not gated by answers: the waits end on time.
/// </summary>
public interface IWaitingReceiver
{
    /// <summary>
    /// Takes receiving over for the calling thread: the channel's own receive thread stands by until
    /// <see cref="EndReceivingHere"/> (after the one datagram it may already be waiting for, which it still delivers);
    /// datagrams are then read inside <see cref="ReceiveFor"/> and <see cref="ReceiveQueued"/>. False when this channel
    /// cannot (then nothing changed).
    /// </summary>
    bool BeginReceivingHere();

    /// <summary>Hands receiving back to the channel's own receive thread.</summary>
    void EndReceivingHere();

    /// <summary>
    /// Waits <paramref name="ns"/> on a high-resolution timeout, delivering each datagram that arrives meanwhile to the
    /// sink on this thread as it arrives; returns when the time is up (never for a datagram), or at once when the
    /// channel is closed. Allocates nothing.
    /// </summary>
    void ReceiveFor(long ns);

    /// <summary>Delivers the datagrams already queued on the socket, without waiting. Allocates nothing.</summary>
    void ReceiveQueued();
}

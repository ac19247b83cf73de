namespace RtcBench.Rtc.Sim;

/// <summary>
/// A sans-IO endpoint the simulator can drive: packets and time go in, packets and the next deadline come out.
/// Any protocol core (SCTP, ICE, DTLS, a whole peer) can be wrapped in one for simulation tests.
/// </summary>
public interface ISimEndpoint
{
    /// <summary>Deliver one datagram that arrived at <paramref name="nowNs"/>.</summary>
    void HandleInput(long nowNs, ReadOnlySpan<byte> packet);

    /// <summary>Called when simulated time reaches (or passes) <see cref="NextTimeoutNs"/>.</summary>
    void HandleTimeout(long nowNs);

    /// <summary>Take the next datagram the endpoint wants to send, if any.</summary>
    bool TryPollTransmit(out byte[] packet);

    /// <summary>The next deadline in monotonic ns, or <see cref="RtcTime.Never"/>.</summary>
    long NextTimeoutNs { get; }
}

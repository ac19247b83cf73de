namespace RtcBench.Platforms;

/// <summary>
/// Optional for an <see cref="IPingChannel"/>: the channel's own evidence that the echo is gone (DESIGN §4b), such as
/// the peer closing the connection, the echo participant leaving the room, or our session to the platform ending.
/// The runner ends the run at once when <see cref="EchoLost"/> completes. Channels without it are watched by the
/// runner alone (a run of unanswered pings confirmed by the agent).
/// </summary>
public interface IEchoLossSignal
{
    /// <summary>
    /// Completes once, with the evidence, when the channel learns that the echo is gone; never while the echo may
    /// still be there, never for a close of our own (dispose), never faults or cancels.
    /// </summary>
    Task<EchoLoss> EchoLost { get; }
}

namespace RtcBench.Rtc.Peer;

/// <summary>
/// How a connection attempt (or a connection) ended: <see cref="Connected"/> with no phase, or the phase that failed
/// and why. Failures are reported this way, never as a hang: every phase has a timeout.
/// </summary>
public sealed record PeerOutcome(bool Connected, PeerPhase? Phase, string? Reason)
{
    public static PeerOutcome Success { get; } = new(true, null, null);

    public static PeerOutcome Failure(PeerPhase phase, string reason) => new(false, phase, reason);

    public override string ToString() => Connected ? "connected" : $"{Phase}: {Reason}";
}

using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// How a connection attempt (or a connection) ended: <see cref="Connected"/> with no phase, or the phase that failed,
/// the typed cause (<see cref="Cause"/>) and a human message (<see cref="Reason"/>). Failures are reported this way,
/// never as a hang: every phase has a timeout.
/// </summary>
public sealed record PeerOutcome(bool Connected, PeerPhase? Phase, string? Reason)
{
    public static PeerOutcome Success { get; } = new(true, null, null);

    /// <summary>What ended the connection, typed (null when it connected).</summary>
    public PeerFailureReason? Cause { get; init; }

    /// <summary>With <see cref="PeerFailureReason.DtlsHandshakeFailed"/> (or a close_notify during the handshake): the
    /// DTLS session's own typed reason.</summary>
    public DtlsFailureReason? DtlsFailure { get; init; }

    public static PeerOutcome Failure(PeerPhase phase, PeerFailureReason cause, string reason) => new(false, phase, reason) { Cause = cause };

    public override string ToString() => Connected ? "connected" : $"{Phase}: {Reason}";
}

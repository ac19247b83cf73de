using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>One of our local candidates (<see cref="Local"/>: an <see cref="IceAgent"/> id) paired with one remote
/// candidate (signalled or peer-reflexive).</summary>
internal sealed class IceCandidatePair(int local, uint localPriority, IPEndPoint remote, uint remotePriority, ulong priority, bool peerReflexive)
{
    public int Local { get; } = local;

    public uint LocalPriority { get; } = localPriority;

    public IPEndPoint Remote { get; } = remote;

    public uint RemotePriority { get; } = remotePriority;

    /// <summary>RFC 8445 §6.1.2.3 for our current role; recomputed when the role changes.</summary>
    public ulong Priority { get; set; } = priority;

    /// <summary>Learned from an incoming check's source (RFC 8445 §7.3.1.3), not from signalling.</summary>
    public bool PeerReflexive { get; } = peerReflexive;

    public IcePairState State { get; set; } = IcePairState.Waiting;

    /// <summary>Controlled role: the peer sent USE-CANDIDATE on this pair (RFC 8445 §7.3.1.5); it is selected once our
    /// own check on it has succeeded.</summary>
    public bool Nominated { get; set; }

    /// <summary>The peer's own check on this pair was valid and answered: the peer may consider it valid and send data on
    /// it (RFC 8445 §12.2), even when our check on it has not succeeded (or was cancelled on selection).</summary>
    public bool PeerChecked { get; set; }

    /// <summary>Whether it sits in the triggered-check queue (RFC 8445 §7.3.1.4).</summary>
    public bool Triggered { get; set; }
}

namespace RtcBench.Rtc.Ice;

/// <summary>Tunables of <see cref="IceAgent"/>, with the RFC defaults. Validated when the agent is created.</summary>
public sealed class IceAgentOptions
{
    /// <summary>Ta, the pacing of new checks (RFC 8445 §14.2: 50 ms).</summary>
    public long PacingIntervalNs { get; init; } = 50 * RtcTime.NsPerMs;

    /// <summary>Initial RTO (RFC 8489 §6.2.1 recommends 500 ms), doubled on each retransmission.</summary>
    public long InitialRtoNs { get; init; } = 500 * RtcTime.NsPerMs;

    /// <summary>Rc, transmissions per request including the first (RFC 8489 §6.2.1: 7).</summary>
    public int MaxTransmissions { get; init; } = 7;

    /// <summary>Rm, the final wait in RTOs after the last transmission (RFC 8489 §6.2.1: 16). With the defaults a
    /// check gives up 39.5 s after its first transmission.</summary>
    public int LastWaitMultiplier { get; init; } = 16;

    /// <summary>Checking that has not produced a nominated pair by then fails (the agent never hangs).</summary>
    public long ConnectTimeoutNs { get; init; } = 30 * RtcTime.NsPerSecond;

    /// <summary>Consent-check period, randomised to 0.8..1.2 times this (RFC 7675 §5.1: 5 s).</summary>
    public long ConsentIntervalNs { get; init; } = 5 * RtcTime.NsPerSecond;

    /// <summary>Consent expires this long after the last authenticated response (RFC 7675 §5.1: 30 s).</summary>
    public long ConsentTimeoutNs { get; init; } = 30 * RtcTime.NsPerSecond;

    /// <summary>The role to start in (RFC 8445 §6.1.1): the offerer and any full agent facing a lite one control.</summary>
    public IceRole Role { get; init; } = IceRole.Controlling;

    /// <summary>The peer is ICE-lite (<c>a=ice-lite</c>): it sends no checks, so we must control and stay controlling.</summary>
    public bool RemoteIsLite { get; init; }

    /// <summary>ICE-CONTROLLING / ICE-CONTROLLED tie-breaker (RFC 8445 §7.1.3); random when null.</summary>
    public ulong? TieBreaker { get; init; }

    /// <summary>Seed for the consent-interval jitter; random when null. Tests pass one for determinism.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>Our host candidate's priority, used in pair priorities (RFC 8445 §5.1.2.1).</summary>
    public uint LocalCandidatePriority { get; init; } =
        IcePriority.Compute(IcePriority.HostTypePreference, IcePriority.DefaultLocalPreference, 1);

    /// <summary>
    /// Whether the host candidate (<see cref="IceAgent.HostCandidate"/>) takes part. False for relay-only ICE
    /// (RTCIceTransportPolicy "relay"): then only candidates from <see cref="IceAgent.AddLocalCandidate"/> are paired,
    /// and datagrams given for the host candidate are ignored.
    /// </summary>
    public bool UseHostCandidate { get; init; } = true;

    /// <summary>Sent in PRIORITY: what we would give a peer-reflexive candidate (RFC 8445 §7.1.1).</summary>
    public uint PeerReflexivePriority { get; init; } =
        IcePriority.Compute(IcePriority.PeerReflexiveTypePreference, IcePriority.DefaultLocalPreference, 1);

    /// <summary>Upper bound on candidate pairs; further remote candidates are ignored.</summary>
    public int MaxPairs { get; init; } = 32;

    internal void Validate()
    {
        var errors = new List<string>();
        if (PacingIntervalNs <= 0) errors.Add("PacingIntervalNs must be positive.");
        if (InitialRtoNs <= 0) errors.Add("InitialRtoNs must be positive.");
        if (MaxTransmissions is < 1 or > 16) errors.Add("MaxTransmissions must be 1..16.");
        if (LastWaitMultiplier < 1) errors.Add("LastWaitMultiplier must be at least 1.");
        if (ConnectTimeoutNs <= 0) errors.Add("ConnectTimeoutNs must be positive.");
        if (ConsentIntervalNs <= 0) errors.Add("ConsentIntervalNs must be positive.");
        if (ConsentTimeoutNs <= ConsentIntervalNs) errors.Add("ConsentTimeoutNs must exceed ConsentIntervalNs.");
        if (MaxPairs < 1) errors.Add("MaxPairs must be at least 1.");
        if (RemoteIsLite && Role != IceRole.Controlling) errors.Add("Facing a lite peer the agent must be controlling (RFC 8445 §6.1.1).");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid IceAgentOptions: " + string.Join(" ", errors));
        }
    }
}

using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// One outstanding Binding request and its retransmission schedule (RFC 8489 §6.2.1): sent at 0, RTO, 3·RTO, 7·RTO…
/// (the interval doubling) up to Rc transmissions, then a final wait of Rm·RTO before it times out.
/// </summary>
internal sealed class IceCheckTransaction(StunTransactionId id, IceCandidatePair pair, byte[] payload,
    bool useCandidate, bool consent, IceRole role)
{
    /// <summary>The role the request claimed (ICE-CONTROLLING or ICE-CONTROLLED): a 487 switches away from it.</summary>
    public IceRole Role { get; } = role;

    public StunTransactionId Id { get; } = id;

    public IceCandidatePair Pair { get; } = pair;

    public byte[] Payload { get; } = payload;

    public bool UseCandidate { get; } = useCandidate;

    /// <summary>A consent-freshness check (RFC 7675) rather than a connectivity check.</summary>
    public bool Consent { get; } = consent;

    public int Transmissions { get; private set; }

    /// <summary>When to retransmit, or (after the last transmission) when the transaction times out.</summary>
    public long DeadlineNs { get; private set; }

    public bool Exhausted(int maxTransmissions) => Transmissions >= maxTransmissions;

    /// <summary>Records a (re)transmission at <paramref name="nowNs"/> and schedules the next deadline.</summary>
    public void Sent(long nowNs, long initialRtoNs, int maxTransmissions, int lastWaitMultiplier)
    {
        Transmissions++;
        DeadlineNs = Transmissions < maxTransmissions
            ? nowNs + (initialRtoNs << (Transmissions - 1))
            : nowNs + (lastWaitMultiplier * initialRtoNs);
    }
}

namespace RtcBench.Rtc.Sim;

/// <summary>
/// Impairments of one direction of a simulated link. All probabilities are in [0, 1]; times are ns.
/// Bursty loss follows a two-state Gilbert-Elliott model: in the good state packets are lost with
/// <see cref="LossRate"/>, in the bad state with <see cref="BurstLossRate"/>; the chain moves good→bad with
/// <see cref="GoodToBad"/> and bad→good with <see cref="BadToGood"/> once per packet.
/// </summary>
public sealed record SimulatedLinkOptions
{
    public long DelayNs { get; init; } = 20 * RtcTime.NsPerMs;

    /// <summary>Uniform extra delay in [0, JitterNs). Jitter alone can reorder packets.</summary>
    public long JitterNs { get; init; }

    public double LossRate { get; init; }

    public double GoodToBad { get; init; }

    public double BadToGood { get; init; } = 1;

    public double BurstLossRate { get; init; } = 1;

    /// <summary>Probability a packet is held back by <see cref="ReorderDelayNs"/> so later packets overtake it.</summary>
    public double ReorderRate { get; init; }

    public long ReorderDelayNs { get; init; } = 30 * RtcTime.NsPerMs;

    /// <summary>Probability a packet is delivered twice (the copy gets its own jitter).</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Packets larger than this are dropped (counted as oversize), like an MTU.</summary>
    public int MaxPacketSize { get; init; } = 65_535;

    /// <summary>When false, every packet is dropped: a dead peer or a cut cable.</summary>
    public bool Up { get; init; } = true;

    public static SimulatedLinkOptions Perfect { get; } = new();

    public void Validate()
    {
        static void Probability(double p, string name)
        {
            if (p is < 0 or > 1 || double.IsNaN(p))
            {
                throw new ArgumentOutOfRangeException(name, p, "must be a probability in [0, 1]");
            }
        }

        Probability(LossRate, nameof(LossRate));
        Probability(GoodToBad, nameof(GoodToBad));
        Probability(BadToGood, nameof(BadToGood));
        Probability(BurstLossRate, nameof(BurstLossRate));
        Probability(ReorderRate, nameof(ReorderRate));
        Probability(DuplicateRate, nameof(DuplicateRate));
        ArgumentOutOfRangeException.ThrowIfNegative(DelayNs);
        ArgumentOutOfRangeException.ThrowIfNegative(JitterNs);
        ArgumentOutOfRangeException.ThrowIfNegative(ReorderDelayNs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPacketSize);
    }
}

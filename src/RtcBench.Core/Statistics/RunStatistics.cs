namespace RtcBench.Core.Statistics;

/// <summary>
/// The statistics of one run (DESIGN §4). Latency figures are microseconds and cover only <c>ok</c> pings;
/// warm-up, late, lost, not-sent and abandoned pings are counted but never enter a latency figure.
/// </summary>
public sealed record RunStatistics
{
    /// <summary>Measured pings sent and decided: ok + lost + late (warm-up, not-sent and abandoned excluded).</summary>
    public int Sent { get; init; }

    public int Ok { get; init; }

    public int Lost { get; init; }

    public int Late { get; init; }

    public int Warmup { get; init; }

    public int NotSent { get; init; }

    /// <summary>
    /// Measured pings sent but unanswered when the run ended because the echo was found gone (DESIGN §4b): not in
    /// <see cref="Sent"/>, the loss rate or any other figure.
    /// </summary>
    public int Abandoned { get; init; }

    /// <summary>Lost / Sent (0 when nothing was sent).</summary>
    public double LossRate { get; init; }

    /// <summary>Late / Sent (0 when nothing was sent).</summary>
    public double LateRate { get; init; }

    /// <summary>RTT = t4 − t1 of ok pings; null when there is none.</summary>
    public LatencySummary? Rtt { get; init; }

    /// <summary>Net RTT = (t4 − t1) − (t3 − t2) of ok pings: the echo's processing time removed.</summary>
    public LatencySummary? NetRtt { get; init; }

    /// <summary>
    /// RFC 3550 §6.4.1 interarrival jitter over consecutive ok pings in send order: J += (|D| − J) / 16, where
    /// D is the difference of consecutive RTTs (the transit-time difference of a round trip).
    /// </summary>
    public double? JitterRfc3550Us { get; init; }

    /// <summary>Mean |ΔRTT| of consecutive ok pings in send order (IPDV-style, RFC 3393); not the RFC 3550 figure.</summary>
    public double? MeanAbsDeltaRttUs { get; init; }

    /// <summary>95% confidence interval of the RTT median (distribution-free, order-statistic method).</summary>
    public ConfidenceInterval? RttP50Ci95 { get; init; }

    /// <summary>95% confidence interval of the RTT 95th percentile (distribution-free, order-statistic method).</summary>
    public ConfidenceInterval? RttP95Ci95 { get; init; }

    /// <summary>Clock offset and one-way estimates; null when no ping was answered.</summary>
    public ClockEstimate? Clock { get; init; }

    /// <summary>How far actual sends lagged their schedule.</summary>
    public SendDelaySummary? SendDelay { get; init; }
}

/// <summary>A latency distribution summary in microseconds; percentiles by linear interpolation (NumPy default).</summary>
public sealed record LatencySummary
{
    public int Count { get; init; }

    public double MinUs { get; init; }

    public double MaxUs { get; init; }

    public double MeanUs { get; init; }

    /// <summary>Sample standard deviation (n − 1); 0 for a single sample.</summary>
    public double StdDevUs { get; init; }

    public double P50Us { get; init; }

    public double P90Us { get; init; }

    public double P95Us { get; init; }

    public double P99Us { get; init; }

    public double P999Us { get; init; }
}

/// <summary>A confidence interval in microseconds.</summary>
public sealed record ConfidenceInterval
{
    public double LowUs { get; init; }

    public double HighUs { get; init; }

    /// <summary>Nominal coverage, e.g. 0.95.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>How it was computed, e.g. "order-statistic (binomial)".</summary>
    public string Method { get; init; } = "";
}

/// <summary>
/// Clock offset between the echo's clock and the runner's (θ = ((t2 − t1) + (t3 − t4)) / 2, NTP style), taken from
/// the ping with the smallest RTT, and the one-way delays it implies. These are estimates: the true one-way delays
/// lie within ±<see cref="ErrorBoundUs"/> (RTT_min / 2) of them, since path asymmetry cannot be observed.
/// </summary>
public sealed record ClockEstimate
{
    /// <summary>Echo wall clock minus runner wall clock, in microseconds.</summary>
    public double OffsetUs { get; init; }

    /// <summary>± bound on the offset and on each one-way estimate: RTT_min / 2.</summary>
    public double ErrorBoundUs { get; init; }

    /// <summary>The seq of the ping whose exchange gave the offset.</summary>
    public long ReferenceSeq { get; init; }

    /// <summary>Median runner → echo delay estimate.</summary>
    public double ForwardP50Us { get; init; }

    /// <summary>Median echo → runner delay estimate.</summary>
    public double BackwardP50Us { get; init; }

    public string Method { get; init; } = "min-rtt";
}

/// <summary>Actual send time minus scheduled send time, in microseconds.</summary>
public sealed record SendDelaySummary
{
    public double MeanUs { get; init; }

    public double P99Us { get; init; }

    public double MaxUs { get; init; }

    /// <summary>Pings that left more than 1 ms after their scheduled time.</summary>
    public int LateSends { get; init; }
}

namespace RtcBench.Server.Aggregation;

/// <summary>The figures of one aggregation group, whichever method computed them. Latencies in µs.</summary>
internal sealed record GroupFigures
{
    public required GroupKey Key { get; init; }

    public int Runs { get; init; }

    public long Sent { get; init; }

    public long Lost { get; init; }

    public long Late { get; init; }

    /// <summary>Ok pings pooled in the latency figures.</summary>
    public long Count { get; init; }

    public double? LossRate => Sent == 0 ? null : (double)Lost / Sent;

    public double? MeanUs { get; init; }

    public double? P50Us { get; init; }

    public double? P90Us { get; init; }

    public double? P95Us { get; init; }

    public double? P99Us { get; init; }

    /// <summary>Mean |ΔRTT| over consecutive ok pings within runs; null with no such pair.</summary>
    public double? JitterUs { get; init; }

    /// <summary>Across locations: the locations whose runs the group pooled (null for runs without one); else null.</summary>
    public IReadOnlyList<string?>? Locations { get; init; }
}

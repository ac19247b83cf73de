namespace RtcBench.Server.Contracts;

/// <summary>The figures of one group.</summary>
public sealed record AggregateGroup
{
    public required string Platform { get; init; }

    public string? Location { get; init; }

    /// <summary>
    /// Only with <c>across_locations=true</c>: the locations whose runs this group pools (null for runs stored without
    /// one); <see cref="Location"/> is then absent.
    /// </summary>
    public IReadOnlyList<string?>? Locations { get; init; }

    public required string Channel { get; init; }

    public required DateTimeOffset BucketStart { get; init; }

    public required DateTimeOffset BucketEnd { get; init; }

    public int Runs { get; init; }

    public long Sent { get; init; }

    public long Lost { get; init; }

    public long Late { get; init; }

    /// <summary>lost / sent; absent when nothing was sent.</summary>
    public double? Loss { get; init; }

    /// <summary>Ok pings in the latency figures.</summary>
    public long Count { get; init; }

    public double? MeanUs { get; init; }

    public double? P50Us { get; init; }

    public double? P90Us { get; init; }

    public double? P95Us { get; init; }

    public double? P99Us { get; init; }

    /// <summary>Mean |ΔRTT| over consecutive ok pings within runs.</summary>
    public double? JitterUs { get; init; }
}

namespace RtcBench.Storage.Queries;

/// <summary>
/// What aggregation across runs needs from one run (DESIGN §4): its key, counts, the RTT mean and mean |ΔRTT| (both
/// pool exactly when weighted by their counts) and the serialised RTT histogram of its ok pings (merge these, never
/// average percentiles).
/// </summary>
public sealed record RunAggregate
{
    public required string RunId { get; init; }

    public required string Platform { get; init; }

    public string? Location { get; init; }

    public required string Channel { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public int Sent { get; init; }

    public int Ok { get; init; }

    public int Lost { get; init; }

    public int Late { get; init; }

    /// <summary>Mean RTT of the ok pings (µs); null when none.</summary>
    public double? RttMeanUs { get; init; }

    /// <summary>Mean |ΔRTT| over the Ok − 1 consecutive pairs of ok pings (µs); null with fewer than two.</summary>
    public double? MeanAbsDeltaRttUs { get; init; }

    /// <summary>e.g. rtcbench-loghist/1.</summary>
    public required string HistogramEncoding { get; init; }

    public required byte[] Histogram { get; init; }
}

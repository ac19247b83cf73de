namespace RtcBench.Server.Contracts;

/// <summary>Ok pings with an RTT in (low, high] µs.</summary>
public sealed record DistributionBucket
{
    public double LowUs { get; init; }

    public double HighUs { get; init; }

    public long Count { get; init; }
}

namespace RtcBench.Server.Contracts;

/// <summary>One group's merged histogram: its ok pings counted per log bucket.</summary>
public sealed record DistributionGroup
{
    public required string Platform { get; init; }

    public string? Location { get; init; }

    /// <summary>
    /// Only with <c>across_locations=true</c>: the locations whose runs this group pools (null for runs stored without
    /// one); <see cref="Location"/> is then absent.
    /// </summary>
    public IReadOnlyList<string?>? Locations { get; init; }

    public required string Channel { get; init; }

    public int Runs { get; init; }

    /// <summary>Ok pings in the histogram (the sum of the buckets' counts).</summary>
    public long Count { get; init; }

    public double? MinUs { get; init; }

    public double? MaxUs { get; init; }

    public required IReadOnlyList<DistributionBucket> Buckets { get; init; }
}

namespace RtcBench.Server.Contracts;

/// <summary>One side of a comparison: its pooled ok pings.</summary>
public sealed record CompareSide
{
    public required string Platform { get; init; }

    public int Runs { get; init; }

    /// <summary>Ok pings pooled.</summary>
    public long Count { get; init; }

    public double? MeanUs { get; init; }

    public double? P50Us { get; init; }

    public double? P95Us { get; init; }
}

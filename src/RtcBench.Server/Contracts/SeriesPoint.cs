namespace RtcBench.Server.Contracts;

/// <summary>One bucket: its start, the metric's value (absent when undefined, e.g. no ok ping), and its basis.</summary>
public sealed record SeriesPoint
{
    public required DateTimeOffset T { get; init; }

    public double? Value { get; init; }

    public int Runs { get; init; }

    /// <summary>Ok pings (or, for loss, sent pings) behind the value.</summary>
    public long Count { get; init; }
}

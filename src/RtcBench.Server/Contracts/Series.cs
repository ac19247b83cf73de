namespace RtcBench.Server.Contracts;

/// <summary>The points of one platform × location × channel, oldest first; buckets without runs are absent.</summary>
public sealed record Series
{
    public required string Platform { get; init; }

    public string? Location { get; init; }

    public required string Channel { get; init; }

    public required IReadOnlyList<SeriesPoint> Points { get; init; }
}

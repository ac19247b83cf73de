namespace RtcBench.Server.Contracts;

/// <summary>The points of one platform × location × channel, oldest first; buckets without runs are absent.</summary>
public sealed record Series
{
    public required string Platform { get; init; }

    public string? Location { get; init; }

    /// <summary>
    /// Only with <c>across_locations=true</c>: the locations whose runs this group pools (null for runs stored without
    /// one); <see cref="Location"/> is then absent.
    /// </summary>
    public IReadOnlyList<string?>? Locations { get; init; }

    public required string Channel { get; init; }

    public required IReadOnlyList<SeriesPoint> Points { get; init; }
}

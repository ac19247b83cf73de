namespace RtcBench.Storage.Queries;

/// <summary>One platform measured from one location: how many runs, first and last start.</summary>
public sealed record LocationSummary
{
    /// <summary>Null for runs stored without a location.</summary>
    public string? Location { get; init; }

    public required string Platform { get; init; }

    public long Runs { get; init; }

    public required DateTimeOffset FirstStartedAt { get; init; }

    public required DateTimeOffset LastStartedAt { get; init; }
}

namespace RtcBench.Storage;

/// <summary>The headline of one stored run, as listed by <see cref="IResultStore.ListRunsAsync"/>. Latencies in µs.</summary>
public sealed record RunSummary
{
    public required string RunId { get; init; }

    public required string Platform { get; init; }

    public required string Channel { get; init; }

    public string? TransportMode { get; init; }

    public string? Location { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>ok, partial or failed.</summary>
    public required string OutcomeStatus { get; init; }

    public int Sent { get; init; }

    public int Ok { get; init; }

    public int Lost { get; init; }

    public int Late { get; init; }

    public double LossRate { get; init; }

    public double? RttP50Us { get; init; }

    public double? RttP95Us { get; init; }

    public double? RttP99Us { get; init; }

    /// <summary>When the run's raw pings were deleted by ping retention; null while they are kept.</summary>
    public DateTimeOffset? PingsPrunedAt { get; init; }
}

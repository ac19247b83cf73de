namespace RtcBench.Storage.Queries;

/// <summary>The ok pings of one run, in seq order: their scheduled times (unix µs) and RTTs (µs).</summary>
public sealed record RunPings
{
    public required string RunId { get; init; }

    public required string Platform { get; init; }

    public string? Location { get; init; }

    public required string Channel { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Sent pings (ok + lost + late), for loss rates.</summary>
    public int Sent { get; init; }

    public int Lost { get; init; }

    public required long[] ScheduledAtUnixUs { get; init; }

    public required double[] RttUs { get; init; }
}

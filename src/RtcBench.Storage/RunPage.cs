namespace RtcBench.Storage;

/// <summary>One page of <see cref="IResultStore.ListRunsAsync"/>: the runs on it and how many match in all.</summary>
public sealed record RunPage
{
    public required IReadOnlyList<RunSummary> Items { get; init; }

    /// <summary>Runs matching the filters, ignoring limit and offset.</summary>
    public required long Total { get; init; }
}

namespace RtcBench.Storage.Queries;

/// <summary>
/// Which runs an aggregate query reads. Null filters match everything; strings match exactly. <see cref="Since"/>
/// is inclusive and <see cref="Until"/> exclusive, both on the run's start time (microsecond resolution): a run and
/// all its pings belong to the time of its start.
/// </summary>
public sealed record AggregateFilter
{
    public string? Platform { get; init; }

    public string? Location { get; init; }

    public string? Channel { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }
}

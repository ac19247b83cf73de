namespace RtcBench.Storage;

/// <summary>
/// Filters and paging for <see cref="IResultStore.ListRunsAsync"/>. Null filters match everything; string
/// filters match exactly. <see cref="Since"/> is inclusive and <see cref="Until"/> exclusive, both on the run's
/// start time at microsecond resolution.
/// </summary>
public sealed record RunQuery
{
    public const int DefaultLimit = 50;

    public const int MaxLimit = 1000;

    public string? Platform { get; init; }

    public string? Location { get; init; }

    public string? Channel { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>Outcome status: ok, partial or failed.</summary>
    public string? Outcome { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Runs to skip, 0 or more.</summary>
    public int Offset { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when <see cref="Limit"/> or <see cref="Offset"/> is out of range.</summary>
    public void Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Limit), Limit, $"Limit must be between 1 and {MaxLimit}.");
        }
        if (Offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Offset), Offset, "Offset must not be negative.");
        }
    }
}

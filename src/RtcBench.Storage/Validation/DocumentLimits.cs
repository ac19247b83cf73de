namespace RtcBench.Storage.Validation;

/// <summary>
/// The bounds a result document must respect to be accepted by the results service (docs/result-schema.md,
/// "Validation"). Times are checked against the service's clock.
/// </summary>
public static class DocumentLimits
{
    /// <summary>No run can start before RtcBench existed (its first commit is of 2026-11-21).</summary>
    public static readonly DateTimeOffset ProjectEpoch = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far in the future (by the service's clock) a run may start or end: the runner's clock may be ahead.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far a ping's scheduled time may lie outside [started_at, ended_at]: the ping times come from the runner's
    /// monotonic clock placed on its wall clock once per run, start and end from the wall clock itself.
    /// </summary>
    public static readonly TimeSpan PingTimeSlack = TimeSpan.FromMinutes(1);

    /// <summary>Longest accepted duration in a ping (RTT, net RTT, send delay): one day, in µs.</summary>
    public const double MaxDurationUs = 86_400_000_000;

    /// <summary>Longest name (platform, location, agent location, tool version, transport mode, runner host).</summary>
    public const int MaxNameLength = 128;

    /// <summary>Longest free text (outcome reason and detail, path fields and details values).</summary>
    public const int MaxTextLength = 2048;

    /// <summary>Most entries in <c>path.details</c>.</summary>
    public const int MaxPathDetails = 128;

    /// <summary>Largest <c>config.count</c> (as the runner's own limit).</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>Largest <c>config.warmup</c> (as the runner's own limit).</summary>
    public const int MaxWarmup = 100_000;

    /// <summary>Longest <c>config.interval_ms</c>: 10 minutes.</summary>
    public const double MaxIntervalMs = 600_000;

    /// <summary>Longest <c>config.deadline_ms</c>: 5 minutes.</summary>
    public const double MaxDeadlineMs = 300_000;
}

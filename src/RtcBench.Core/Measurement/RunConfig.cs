namespace RtcBench.Core.Measurement;

/// <summary>
/// A run's measurement settings (DESIGN §3). Validate with <see cref="Validate"/>, which lists every problem.
/// </summary>
public sealed record RunConfig
{
    /// <summary>Measured pings (warm-up pings come on top).</summary>
    public int Count { get; init; } = 200;

    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);

    public int Warmup { get; init; } = 10;

    /// <summary>The fewest warm-up pings by default.</summary>
    public const int MinDefaultWarmup = 10;

    /// <summary>How long the default warm-up lasts at least.</summary>
    public static readonly TimeSpan DefaultWarmupSpan = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The default warm-up for a run at <paramref name="interval"/>: the pings of its first second, and at least 10
    /// (10 at 100 ms, 100 at 10 ms). A warm-up counted in pings alone ends after 100 ms at 10 ms pacing, before the
    /// runner's and the agent's once-a-while work (echo watch, room sweeps, ICE consent) first runs and is compiled:
    /// that compilation then competes with measured pings (bench/results/warmup.md).
    /// </summary>
    public static int DefaultWarmupFor(TimeSpan interval) =>
        interval <= TimeSpan.Zero ? MinDefaultWarmup
        : (int)Math.Clamp(Math.Ceiling(DefaultWarmupSpan / interval), MinDefaultWarmup, 100_000);

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(5);

    public int PayloadBytes { get; init; } = 128;

    public ScheduleKind Schedule { get; init; } = ScheduleKind.Fixed;

    /// <summary>Seed for the Poisson schedule; ignored for fixed schedules.</summary>
    public int Seed { get; init; }

    public int TotalPings => Count + Warmup;

    /// <summary>The scheduled duration of the sending phase plus one deadline.</summary>
    public TimeSpan ExpectedDuration => Interval * TotalPings + Deadline;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Count is < 1 or > 10_000_000)
        {
            errors.Add($"count must be between 1 and 10000000 (got {Count}).");
        }
        if (Warmup is < 0 or > 100_000)
        {
            errors.Add($"warmup must be between 0 and 100000 (got {Warmup}).");
        }
        if (Interval < TimeSpan.FromMilliseconds(1) || Interval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"interval must be between 1ms and 10m (got {Interval.TotalMilliseconds}ms).");
        }
        if (Deadline < TimeSpan.FromMilliseconds(1) || Deadline > TimeSpan.FromMinutes(5))
        {
            errors.Add($"deadline must be between 1ms and 5m (got {Deadline.TotalMilliseconds}ms).");
        }
        if (PayloadBytes is < 0 or > Protocol.PingCodec.MaxPayloadBytes)
        {
            errors.Add($"payload-bytes must be between 0 and {Protocol.PingCodec.MaxPayloadBytes} (got {PayloadBytes}).");
        }
        return errors;
    }
}

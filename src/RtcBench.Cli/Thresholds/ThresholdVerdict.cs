namespace RtcBench.Cli.Thresholds;

/// <summary>
/// One threshold judged on one run (or on none: <see cref="RunId"/> null when its scope matched no run). Written
/// into the <c>thresholds</c> array of that run's JSON document (snake_case, see docs/result-schema.md).
/// </summary>
internal sealed record ThresholdVerdict
{
    /// <summary>The rule as written, e.g. "direct:reliable:p99&lt;5ms".</summary>
    public required string Threshold { get; init; }

    public required string Metric { get; init; }

    /// <summary>&lt;, &lt;=, &gt; or &gt;=.</summary>
    public required string Op { get; init; }

    /// <summary>The limit: microseconds for latencies, a fraction (0.01 = 1%) for loss and late.</summary>
    public required double Limit { get; init; }

    /// <summary>The run's value in the same unit; null when the run had nothing to judge (then it failed).</summary>
    public double? Value { get; init; }

    /// <summary>"us" or "fraction".</summary>
    public required string Unit { get; init; }

    public required bool Passed { get; init; }

    public string? RunId { get; init; }

    public string? Platform { get; init; }

    public string? Channel { get; init; }

    /// <summary>Why it failed without a value ("no ok pings", "matched no run").</summary>
    public string? Reason { get; init; }
}

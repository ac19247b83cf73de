namespace RtcBench.Cli.Thresholds;

/// <summary>
/// One pass/fail rule on a run's figures, e.g. <c>p95&lt;50ms</c> or <c>direct:reliable:p99&lt;5ms</c> (grammar in
/// <see cref="ThresholdParser"/>). It applies to every run whose platform and channel match its scope.
/// </summary>
/// <param name="Text">The rule as the user wrote it (trimmed), used in every line and JSON verdict.</param>
/// <param name="Platform">Only runs of this platform; null for any.</param>
/// <param name="Channel">Only runs on this channel (reliable or lossy); null for any.</param>
/// <param name="Limit">Microseconds for latency metrics; a fraction (0.01 for 1%) for loss and late.</param>
internal sealed record Threshold(string Text, string? Platform, string? Channel, ThresholdMetric Metric, ThresholdOperator Operator, double Limit)
{
    public bool AppliesTo(string platform, string channel) =>
        (Platform is null || Platform == platform) && (Channel is null || Channel == channel);

    public bool Holds(double value) => Operator switch
    {
        ThresholdOperator.Less => value < Limit,
        ThresholdOperator.LessOrEqual => value <= Limit,
        ThresholdOperator.Greater => value > Limit,
        _ => value >= Limit,
    };
}

internal enum ThresholdOperator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

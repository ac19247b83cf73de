using System.Globalization;
using RtcBench.Cli.Parsing;
using RtcBench.Platforms;

namespace RtcBench.Cli.Thresholds;

/// <summary>
/// Parses <c>--threshold</c> rules. Grammar (case-insensitive, spaces allowed around the operator):
/// <code>
/// threshold := [scope ":"] metric op value
/// scope     := platform | channel | platform ":" channel
/// metric    := min | mean | p50 | p90 | p95 | p99 | p99.9 | max | jitter   (RTT of ok pings, jitter RFC 3550)
///            | loss | late                                               (rates of measured pings)
/// op        := "&lt;" | "&lt;=" | "&gt;" | "&gt;="
/// value     := a duration with a unit (250us, 5ms, 1.5s) for latencies; a percentage (1%, 0.5%) for rates
/// </code>
/// Examples: <c>p95&lt;50ms</c>, <c>loss&lt;1%</c>, <c>direct:p99&lt;5ms</c>, <c>lossy:loss&lt;=0.5%</c>,
/// <c>direct:reliable:p99&lt;5ms</c>. Never throws; an error says what was wrong and what is valid.
/// </summary>
internal static class ThresholdParser
{
    public const string Example = "e.g. p95<50ms, loss<1% or direct:reliable:p99<5ms";

    private static readonly string[] Channels = ["reliable", "lossy"];

    public static string MetricList => string.Join(", ", ThresholdMetrics.Names.Select(n => n.Name));

    public static bool TryParse(string? text, out Threshold threshold, out string error)
    {
        threshold = null!;
        string trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            error = $"a threshold is required, {Example}";
            return false;
        }
        if (trimmed.Length > 200)
        {
            error = $"'{trimmed[..40]}…' is too long for a threshold ({Example})";
            return false;
        }
        int at = trimmed.IndexOfAny(['<', '>']);
        if (at < 0)
        {
            error = $"'{trimmed}' has no comparison (<, <=, > or >=); write [platform:][channel:]metric<value, {Example}";
            return false;
        }
        bool orEqual = at + 1 < trimmed.Length && trimmed[at + 1] == '=';
        var op = (trimmed[at], orEqual) switch
        {
            ('<', false) => ThresholdOperator.Less,
            ('<', true) => ThresholdOperator.LessOrEqual,
            ('>', false) => ThresholdOperator.Greater,
            _ => ThresholdOperator.GreaterOrEqual,
        };
        string left = trimmed[..at].Trim().ToLowerInvariant();
        string right = trimmed[(at + (orEqual ? 2 : 1))..].Trim();
        if (right.IndexOfAny(['<', '>', '=']) >= 0)
        {
            error = $"'{trimmed}' has more than one comparison; write one per --threshold, {Example}";
            return false;
        }

        string[] parts = left.Split(':', StringSplitOptions.TrimEntries);
        string metricName = parts[^1];
        var metric = ThresholdMetrics.Names.Where(n => n.Name == metricName).Select(n => (ThresholdMetric?)n.Metric).FirstOrDefault();
        if (metric is null)
        {
            error = metricName.Length == 0
                ? $"'{trimmed}' names no metric before the comparison; use one of {MetricList}"
                : $"'{trimmed}': '{metricName}' is not a metric; use one of {MetricList}";
            return false;
        }
        string? platform = null, channel = null;
        if (parts.Length > 3)
        {
            error = $"'{trimmed}' has too many ':' parts; the scope is a platform, a channel or platform:channel, {Example}";
            return false;
        }
        foreach (string part in parts[..^1])
        {
            if (PlatformCatalog.Names.Contains(part) && platform is null && channel is null)
            {
                platform = part;
            }
            else if (Channels.Contains(part) && channel is null)
            {
                channel = part;
            }
            else
            {
                error = PlatformCatalog.Names.Contains(part) || Channels.Contains(part)
                    ? $"'{trimmed}': the scope is a platform, a channel or platform:channel (in that order), {Example}"
                    : $"'{trimmed}': '{part}' is neither a platform ({string.Join(", ", PlatformCatalog.Names)}) nor a channel (reliable, lossy)";
                return false;
            }
        }

        double limit;
        if (ThresholdMetrics.IsRate(metric.Value))
        {
            if (!TryParsePercent(right, out limit))
            {
                error = $"'{trimmed}': '{right}' is not a percentage; {metricName} is a rate, write it with %, e.g. {metricName}<1% or {metricName}<=0.5%";
                return false;
            }
        }
        else if (DurationParser.TryParse(right, out var duration, out string durationError))
        {
            limit = duration.Ticks / 10.0; // µs
        }
        else
        {
            error = $"'{trimmed}': {durationError.Replace("a duration is required", "a value is required")} (e.g. {metricName}<50ms)";
            return false;
        }
        threshold = new Threshold(trimmed, platform, channel, metric.Value, op, limit);
        error = "";
        return true;
    }

    /// <summary>"1%", "0.5 %" → 0.01, 0.005; 0% to 100% only.</summary>
    private static bool TryParsePercent(string text, out double fraction)
    {
        fraction = 0;
        if (!text.EndsWith('%'))
        {
            return false;
        }
        string number = text[..^1].Trim();
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double percent)
            || percent < 0 || percent > 100)
        {
            return false;
        }
        fraction = percent / 100;
        return true;
    }
}

using RtcBench.Core.Results;

namespace RtcBench.Cli.Thresholds;

/// <summary>
/// Judges thresholds on finished runs: every threshold on every run its scope matches. A run with nothing to judge
/// (no ok ping for a latency, nothing measured for a rate) fails the threshold, and so does a threshold that matched
/// no run at all — a budget nobody measured is not met.
/// </summary>
internal static class ThresholdEvaluator
{
    public static IReadOnlyList<ThresholdVerdict> Evaluate(IReadOnlyList<Threshold> thresholds, IReadOnlyList<RunResult> runs)
    {
        var verdicts = new List<ThresholdVerdict>();
        foreach (var threshold in thresholds)
        {
            bool matched = false;
            foreach (var run in runs)
            {
                if (!threshold.AppliesTo(run.Platform, run.Channel))
                {
                    continue;
                }
                matched = true;
                double? value = ThresholdMetrics.ValueOf(threshold.Metric, run);
                verdicts.Add(Verdict(threshold) with
                {
                    RunId = run.RunId,
                    Platform = run.Platform,
                    Channel = run.Channel,
                    Value = value,
                    Passed = value is { } v && threshold.Holds(v),
                    Reason = value is null ? (ThresholdMetrics.IsRate(threshold.Metric) ? "no measured ping" : "no ok ping") : null,
                });
            }
            if (!matched)
            {
                verdicts.Add(Verdict(threshold) with { Reason = "matched no run" });
            }
        }
        return verdicts;
    }

    private static ThresholdVerdict Verdict(Threshold t) => new()
    {
        Threshold = t.Text,
        Metric = ThresholdMetrics.NameOf(t.Metric),
        Op = t.Operator switch
        {
            ThresholdOperator.Less => "<",
            ThresholdOperator.LessOrEqual => "<=",
            ThresholdOperator.Greater => ">",
            _ => ">=",
        },
        Limit = t.Limit,
        Unit = ThresholdMetrics.IsRate(t.Metric) ? "fraction" : "us",
        Passed = false,
    };
}

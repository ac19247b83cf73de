using RtcBench.Cli.Thresholds;

namespace RtcBench.Cli.Output;

/// <summary>The pass/fail lines of --threshold, printed under the summary table.</summary>
internal static class ThresholdView
{
    public static void Write(TextWriter writer, IReadOnlyList<ThresholdVerdict> verdicts)
    {
        if (verdicts.Count == 0)
        {
            return;
        }
        int width = verdicts.Max(v => v.Threshold.Length);
        int scopeWidth = verdicts.Max(v => Scope(v).Length);
        writer.WriteLine("Thresholds:");
        foreach (var v in verdicts)
        {
            writer.WriteLine($"  {(v.Passed ? "pass" : "FAIL")}  {v.Threshold.PadRight(width)}  {Scope(v).PadRight(scopeWidth)}  {Measured(v)}");
        }
        int passed = verdicts.Count(v => v.Passed);
        writer.WriteLine(passed == verdicts.Count
            ? $"All {verdicts.Count} threshold check(s) passed."
            : $"{verdicts.Count - passed} of {verdicts.Count} threshold check(s) failed.");
    }

    /// <summary>"udp/lossy", or "-" for a threshold that matched no run.</summary>
    public static string Scope(ThresholdVerdict v) => v.Platform is null ? "-" : $"{v.Platform}/{v.Channel}";

    /// <summary>"p95 = 0.214 ms", "loss = 2.0%" or the reason there is no value.</summary>
    public static string Measured(ThresholdVerdict v) => v.Value switch
    {
        null => v.Reason ?? "no value",
        { } value when v.Unit == "fraction" => $"{v.Metric} = {Format.Percent(value)}",
        { } value => $"{v.Metric} = {Format.Ms(value)} ms",
    };

    /// <summary>One stderr line for a failed check, e.g. "threshold p95&lt;1ms failed on udp/lossy: p95 = 1.204 ms".</summary>
    public static string FailureLine(ThresholdVerdict v) => v.Platform is null
        ? $"threshold {v.Threshold} failed: it matched no run (check its platform and channel)"
        : $"threshold {v.Threshold} failed on {Scope(v)}: {Measured(v)}";
}

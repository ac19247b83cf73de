using RtcBench.Core.Results;

namespace RtcBench.Storage.Validation;

/// <summary>
/// Decides whether the results service may store a result document (docs/result-schema.md, "Validation"). It trusts
/// nothing it can recompute: with pings, the counts, statistics and histogram must be what the runner's code gives
/// for those pings (<see cref="Recomputation"/>, within <see cref="Tolerance"/>); without pings, the statistics must
/// at least be possible (<see cref="StatisticsRules"/>). Every problem names the field as a JSON path, e.g.
/// <c>stats.rtt.p50_us: -5 is negative</c>.
/// </summary>
public static class RunDocumentValidator
{
    /// <summary>Null when the document may be stored, else the first field at fault and why.</summary>
    /// <param name="run">The parsed document.</param>
    /// <param name="now">The service's clock, for the future-time check.</param>
    public static string? Validate(RunResult run, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (DocumentRules.Check(run, now) is { } document)
        {
            return document;
        }
        if (run.Pings is null)
        {
            return "pings: missing (an empty list when the pings are left out)";
        }
        bool withPings = run.Pings.Count > 0;
        bool reflector = run.Path?.IsReflector == true;
        if (StatisticsRules.Check(run.Stats, run.Config, run.Outcome, withPings, reflector) is { } stats)
        {
            return stats;
        }
        if (HistogramRules.Check(run.Histogram, run.Stats, againstStats: !withPings, out var histogram) is { } badHistogram)
        {
            return badHistogram;
        }
        return withPings ? PingRules.Check(run) ?? Recomputation.Check(run, histogram) : null;
    }
}

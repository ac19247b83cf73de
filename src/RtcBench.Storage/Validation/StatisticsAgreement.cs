using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Validation;

/// <summary>
/// Compares posted statistics with those recomputed from the pings: counts exactly, figures within
/// <see cref="Tolerance"/>, and every figure present exactly when the recomputation has it.
/// </summary>
internal static class StatisticsAgreement
{
    public static string? Check(RunStatistics posted, RunStatistics mine, IReadOnlyList<PingResult> pings) =>
        Counts(posted, mine)
        ?? Rate("stats.loss_rate", posted.LossRate, mine.LossRate)
        ?? Rate("stats.late_rate", posted.LateRate, mine.LateRate)
        ?? Summary("stats.rtt", posted.Rtt, mine.Rtt)
        ?? Summary("stats.net_rtt", posted.NetRtt, mine.NetRtt)
        ?? Figure("stats.jitter_rfc3550_us", posted.JitterRfc3550Us, mine.JitterRfc3550Us)
        ?? Figure("stats.mean_abs_delta_rtt_us", posted.MeanAbsDeltaRttUs, mine.MeanAbsDeltaRttUs)
        ?? Interval("stats.rtt_p50_ci95", posted.RttP50Ci95, mine.RttP50Ci95)
        ?? Interval("stats.rtt_p95_ci95", posted.RttP95Ci95, mine.RttP95Ci95)
        ?? Clock(posted.Clock, mine.Clock, pings)
        ?? SendDelay(posted.SendDelay, mine.SendDelay);

    private static string? Counts(RunStatistics posted, RunStatistics mine)
    {
        (string Field, int Posted, int Mine)[] counts =
        [
            ("sent", posted.Sent, mine.Sent), ("ok", posted.Ok, mine.Ok), ("lost", posted.Lost, mine.Lost),
            ("late", posted.Late, mine.Late), ("warmup", posted.Warmup, mine.Warmup), ("not_sent", posted.NotSent, mine.NotSent),
            ("abandoned", posted.Abandoned, mine.Abandoned),
        ];
        foreach (var (field, p, m) in counts)
        {
            if (p != m)
            {
                return $"stats.{field}: {p}, but the pings give {m}";
            }
        }
        return null;
    }

    private static string? Rate(string field, double posted, double mine) =>
        Tolerance.AgreesRate(posted, mine) ? null : Disagrees(field, posted, mine);

    private static string? Figure(string field, double? posted, double? mine)
    {
        if (posted is null || mine is null)
        {
            return Presence(field, posted is not null, mine is not null);
        }
        return Tolerance.AgreesUs(posted.Value, mine.Value) ? null : Disagrees(field, posted.Value, mine.Value);
    }

    private static string? Summary(string field, LatencySummary? posted, LatencySummary? mine)
    {
        if (posted is null || mine is null)
        {
            return Presence(field, posted is not null, mine is not null);
        }
        if (posted.Count != mine.Count)
        {
            return $"{field}.count: {posted.Count}, but the pings give {mine.Count}";
        }
        (string Name, double Posted, double Mine)[] figures =
        [
            ("min_us", posted.MinUs, mine.MinUs), ("max_us", posted.MaxUs, mine.MaxUs), ("mean_us", posted.MeanUs, mine.MeanUs),
            ("std_dev_us", posted.StdDevUs, mine.StdDevUs), ("p50_us", posted.P50Us, mine.P50Us), ("p90_us", posted.P90Us, mine.P90Us),
            ("p95_us", posted.P95Us, mine.P95Us), ("p99_us", posted.P99Us, mine.P99Us), ("p999_us", posted.P999Us, mine.P999Us),
        ];
        foreach (var (name, p, m) in figures)
        {
            if (!Tolerance.AgreesUs(p, m))
            {
                return Disagrees($"{field}.{name}", p, m);
            }
        }
        return null;
    }

    private static string? Interval(string field, ConfidenceInterval? posted, ConfidenceInterval? mine)
    {
        if (posted is null || mine is null)
        {
            return Presence(field, posted is not null, mine is not null);
        }
        if (!Tolerance.AgreesUs(posted.LowUs, mine.LowUs))
        {
            return Disagrees(field + ".low_us", posted.LowUs, mine.LowUs);
        }
        if (!Tolerance.AgreesUs(posted.HighUs, mine.HighUs))
        {
            return Disagrees(field + ".high_us", posted.HighUs, mine.HighUs);
        }
        return string.Equals(posted.Method, mine.Method, StringComparison.Ordinal)
            ? null
            : $"{field}.method: {TextRules.Quote(posted.Method)}, but the interval recomputed from the pings is {TextRules.Quote(mine.Method)}";
    }

    private static string? Clock(ClockEstimate? posted, ClockEstimate? mine, IReadOnlyList<PingResult> pings)
    {
        if (posted is null || mine is null)
        {
            return Presence("stats.clock", posted is not null, mine is not null);
        }
        if (!Tolerance.AgreesUs(posted.ErrorBoundUs, mine.ErrorBoundUs))
        {
            return Disagrees("stats.clock.error_bound_us", posted.ErrorBoundUs, mine.ErrorBoundUs);
        }
        // The reference is the ok ping with the smallest RTT; within rounding, another ok ping of (nearly) that RTT will do.
        long seq = posted.ReferenceSeq;
        var reference = seq >= 0 && seq < pings.Count ? pings[(int)seq] : null;
        if (reference is null || reference.Status != "ok" || reference.RttUs is not { } rtt
            || !Tolerance.AgreesUs(rtt / 2, mine.ErrorBoundUs))
        {
            return $"stats.clock.reference_seq: {seq} is not an ok ping with the smallest RTT (the pings give seq {mine.ReferenceSeq})";
        }
        return null;
    }

    private static string? SendDelay(SendDelaySummary? posted, SendDelaySummary? mine)
    {
        if (posted is null || mine is null)
        {
            return Presence("stats.send_delay", posted is not null, mine is not null);
        }
        (string Name, double Posted, double Mine)[] figures =
        [
            ("mean_us", posted.MeanUs, mine.MeanUs), ("p99_us", posted.P99Us, mine.P99Us), ("max_us", posted.MaxUs, mine.MaxUs),
        ];
        foreach (var (name, p, m) in figures)
        {
            if (!Tolerance.AgreesUs(p, m))
            {
                return Disagrees("stats.send_delay." + name, p, m);
            }
        }
        return posted.LateSends == mine.LateSends
            ? null
            : $"stats.send_delay.late_sends: {posted.LateSends}, but the pings give {mine.LateSends}";
    }

    private static string? Presence(string field, bool posted, bool mine) => (posted, mine) switch
    {
        (false, true) => $"{field}: missing, but the pings give it",
        (true, false) => $"{field}: present, but the pings give none",
        _ => null,
    };

    private static string Disagrees(string field, double posted, double mine) =>
        $"{field}: {Tolerance.Show(posted)} disagrees with {Tolerance.Show(mine)} recomputed from the pings (tolerance {Tolerance.DurationText})";
}

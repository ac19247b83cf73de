using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Validation;

/// <summary>
/// What the statistics must satisfy on their own (with or without pings): non-negative counts that add up, rates
/// that match the counts, latency summaries in order (0 ≤ min ≤ p50 ≤ p90 ≤ p95 ≤ p99 ≤ p99.9 ≤ max, mean in
/// [min, max]), figures present exactly when the counts call for them, and intervals that contain their estimate.
/// Orders are checked within <see cref="Tolerance"/>.
/// </summary>
internal static class StatisticsRules
{
    /// <param name="stats">The document's statistics.</param>
    /// <param name="config">The document's configuration.</param>
    /// <param name="withPings">
    /// The document has pings: relations that the recomputation checks more precisely (the clock's error bound is
    /// stats.rtt.min_us / 2) are left to it, so the message names the figure that is wrong rather than its neighbour.
    /// </param>
    /// <param name="reflector">
    /// path.echo is "reflector" (the server returned the pings themselves): no echo timestamps, so no net RTT and no
    /// clock estimate, whatever stats.ok says.
    /// </param>
    public static string? Check(RunStatistics? stats, RunConfigRecord config, RunOutcome outcome, bool withPings, bool reflector = false)
    {
        if (stats is null)
        {
            return "stats: missing";
        }
        return Counts(stats, config)
            ?? Abandoned(stats, outcome)
            ?? Rates(stats)
            ?? Latency("stats.rtt", stats.Rtt, stats.Ok, nonNegative: true)
            ?? (reflector ? Untimed("stats.net_rtt", stats.NetRtt) : Latency("stats.net_rtt", stats.NetRtt, stats.Ok, nonNegative: false))
            ?? NetWithinRtt(stats)
            ?? Jitter(stats)
            ?? Interval("stats.rtt_p50_ci95", stats.RttP50Ci95, stats.Rtt, stats.Rtt?.P50Us, "p50_us")
            ?? Interval("stats.rtt_p95_ci95", stats.RttP95Ci95, stats.Rtt, stats.Rtt?.P95Us, "p95_us")
            ?? (reflector ? Untimed("stats.clock", stats.Clock) : Clock(stats, withPings))
            ?? SendDelay(stats);
    }

    private static string? Counts(RunStatistics s, RunConfigRecord config)
    {
        (string Field, int Value)[] counts =
        [
            ("sent", s.Sent), ("ok", s.Ok), ("lost", s.Lost), ("late", s.Late), ("warmup", s.Warmup), ("not_sent", s.NotSent),
            ("abandoned", s.Abandoned),
        ];
        foreach (var (field, value) in counts)
        {
            if (value < 0)
            {
                return $"stats.{field}: {value} is negative";
            }
        }
        if ((long)s.Ok + s.Lost + s.Late != s.Sent)
        {
            return $"stats.sent: {s.Sent} is not ok + lost + late ({s.Ok} + {s.Lost} + {s.Late})";
        }
        if (s.Warmup > config.Warmup)
        {
            return $"stats.warmup: {s.Warmup} is more than config.warmup ({config.Warmup})";
        }
        long statuses = (long)s.Sent + s.Warmup + s.NotSent + s.Abandoned;
        long scheduled = (long)config.Count + config.Warmup;
        if (statuses != scheduled)
        {
            return $"stats.not_sent: sent + warmup + not_sent + abandoned = {statuses}, but config.count + config.warmup = {scheduled} "
                + "(every scheduled ping has exactly one status)";
        }
        return null;
    }

    /// <summary>Abandoned pings exist only when the echo was found gone (DESIGN §4b); on a reliable channel nothing is lost then.</summary>
    private static string? Abandoned(RunStatistics s, RunOutcome outcome)
    {
        if (s.Abandoned > 0 && outcome.Reason != RunOutcome.EchoLostReason)
        {
            return $"stats.abandoned: {s.Abandoned}, but the outcome is not echo-lost (only a lost echo abandons pings)";
        }
        return null;
    }

    private static string? Rates(RunStatistics s)
    {
        double loss = s.Sent == 0 ? 0 : (double)s.Lost / s.Sent;
        double late = s.Sent == 0 ? 0 : (double)s.Late / s.Sent;
        if (!(s.LossRate >= 0 && s.LossRate <= 1) || !Tolerance.AgreesRate(s.LossRate, loss))
        {
            return $"stats.loss_rate: {Tolerance.Show(s.LossRate)} is not lost / sent ({s.Lost} / {s.Sent} = {Tolerance.Show(loss)})";
        }
        if (!(s.LateRate >= 0 && s.LateRate <= 1) || !Tolerance.AgreesRate(s.LateRate, late))
        {
            return $"stats.late_rate: {Tolerance.Show(s.LateRate)} is not late / sent ({s.Late} / {s.Sent} = {Tolerance.Show(late)})";
        }
        return null;
    }

    private static string? Untimed(string field, object? figure) =>
        figure is null ? null : $"{field}: present, but path.echo is \"{PathInfo.ReflectorEcho}\" (a reflector's pings carry no echo timestamps)";

    private static string? Latency(string field, LatencySummary? summary, int ok, bool nonNegative)
    {
        if (summary is null)
        {
            return ok > 0 ? $"{field}: missing, but stats.ok is {ok}" : null;
        }
        if (ok == 0)
        {
            return $"{field}: present, but stats.ok is 0 (latency figures cover ok pings only)";
        }
        if (summary.Count != ok)
        {
            return $"{field}.count: {summary.Count} is not stats.ok ({ok})";
        }
        (string Name, double Value)[] ordered =
        [
            ("min_us", summary.MinUs), ("p50_us", summary.P50Us), ("p90_us", summary.P90Us), ("p95_us", summary.P95Us),
            ("p99_us", summary.P99Us), ("p999_us", summary.P999Us), ("max_us", summary.MaxUs),
        ];
        foreach (var (name, value) in ordered)
        {
            if (!double.IsFinite(value) || Math.Abs(value) > DocumentLimits.MaxDurationUs)
            {
                return $"{field}.{name}: {Tolerance.Show(value)} is not a duration (finite, at most a day)";
            }
        }
        if (nonNegative && summary.MinUs < 0)
        {
            return $"{field}.min_us: {Tolerance.Show(summary.MinUs)} is negative";
        }
        for (int i = 1; i < ordered.Length; i++)
        {
            if (!Tolerance.AtMostUs(ordered[i - 1].Value, ordered[i].Value))
            {
                var (low, high) = (ordered[i - 1], ordered[i]);
                return i == 1 && nonNegative && high.Value < 0
                    ? $"{field}.{high.Name}: {Tolerance.Show(high.Value)} is negative"
                    : $"{field}.{high.Name}: {Tolerance.Show(high.Value)} is below {field}.{low.Name} ({Tolerance.Show(low.Value)})";
            }
        }
        if (!double.IsFinite(summary.MeanUs) || !Tolerance.AtMostUs(summary.MinUs, summary.MeanUs) || !Tolerance.AtMostUs(summary.MeanUs, summary.MaxUs))
        {
            return $"{field}.mean_us: {Tolerance.Show(summary.MeanUs)} is outside [min_us, max_us] ({Tolerance.Show(summary.MinUs)}, {Tolerance.Show(summary.MaxUs)})";
        }
        double range = summary.MaxUs - summary.MinUs;
        if (!double.IsFinite(summary.StdDevUs) || summary.StdDevUs < 0 || !Tolerance.AtMostUs(summary.StdDevUs, range))
        {
            return $"{field}.std_dev_us: {Tolerance.Show(summary.StdDevUs)} is negative or larger than max_us − min_us ({Tolerance.Show(range)})";
        }
        if (ok == 1 && (summary.StdDevUs != 0 || !Tolerance.AgreesUs(summary.MinUs, summary.MaxUs)))
        {
            return $"{field}.std_dev_us: one ok ping has a standard deviation of 0 and min_us = max_us";
        }
        return null;
    }

    /// <summary>Net RTT = RTT − the echo's hold time (≥ 0), so each of its order statistics and its mean is at most the RTT's.</summary>
    private static string? NetWithinRtt(RunStatistics s)
    {
        if (s.Rtt is not { } rtt || s.NetRtt is not { } net)
        {
            return null;
        }
        (string Name, double Net, double Rtt)[] pairs =
        [
            ("min_us", net.MinUs, rtt.MinUs), ("p50_us", net.P50Us, rtt.P50Us), ("p90_us", net.P90Us, rtt.P90Us),
            ("p95_us", net.P95Us, rtt.P95Us), ("p99_us", net.P99Us, rtt.P99Us), ("p999_us", net.P999Us, rtt.P999Us),
            ("max_us", net.MaxUs, rtt.MaxUs), ("mean_us", net.MeanUs, rtt.MeanUs),
        ];
        foreach (var (name, netValue, rttValue) in pairs)
        {
            if (!Tolerance.AtMostUs(netValue, rttValue))
            {
                return $"stats.net_rtt.{name}: {Tolerance.Show(netValue)} is above stats.rtt.{name} ({Tolerance.Show(rttValue)}); net RTT excludes the echo's hold time";
            }
        }
        return null;
    }

    private static string? Jitter(RunStatistics s)
    {
        double range = s.Rtt is { } rtt ? rtt.MaxUs - rtt.MinUs : 0;
        (string Field, double? Value)[] jitters =
        [
            ("stats.jitter_rfc3550_us", s.JitterRfc3550Us), ("stats.mean_abs_delta_rtt_us", s.MeanAbsDeltaRttUs),
        ];
        foreach (var (field, value) in jitters)
        {
            if (value is null)
            {
                if (s.Ok >= 2)
                {
                    return $"{field}: missing, but stats.ok is {s.Ok} (two ok pings give a jitter)";
                }
                continue;
            }
            if (s.Ok < 2)
            {
                return $"{field}: present, but stats.ok is {s.Ok} (a jitter needs two ok pings)";
            }
            if (!double.IsFinite(value.Value) || value.Value < 0 || !Tolerance.AtMostUs(value.Value, range))
            {
                return $"{field}: {Tolerance.Show(value.Value)} is negative or larger than stats.rtt max_us − min_us ({Tolerance.Show(range)})";
            }
        }
        return null;
    }

    private static string? Interval(string field, ConfidenceInterval? ci, LatencySummary? rtt, double? estimate, string estimateName)
    {
        if (ci is null)
        {
            return null;
        }
        if (rtt is null || estimate is not { } value)
        {
            return $"{field}: present, but there is no stats.rtt";
        }
        if (!double.IsFinite(ci.LowUs) || !double.IsFinite(ci.HighUs))
        {
            return $"{field}: bounds must be finite numbers";
        }
        if (!Tolerance.AtMostUs(ci.LowUs, ci.HighUs))
        {
            return $"{field}.high_us: {Tolerance.Show(ci.HighUs)} is below low_us ({Tolerance.Show(ci.LowUs)})";
        }
        if (!Tolerance.AtMostUs(ci.LowUs, value) || !Tolerance.AtMostUs(value, ci.HighUs))
        {
            return $"{field}: [{Tolerance.Show(ci.LowUs)}, {Tolerance.Show(ci.HighUs)}] does not contain stats.rtt.{estimateName} ({Tolerance.Show(value)})";
        }
        if (!Tolerance.AtMostUs(rtt.MinUs, ci.LowUs) || !Tolerance.AtMostUs(ci.HighUs, rtt.MaxUs))
        {
            return $"{field}: [{Tolerance.Show(ci.LowUs)}, {Tolerance.Show(ci.HighUs)}] is not within stats.rtt min_us..max_us";
        }
        if (ci.Level != 0.95)
        {
            return $"{field}.level: {Tolerance.Show(ci.Level)}; a ci95 has level 0.95";
        }
        return TextRules.Name(field + ".method", ci.Method, required: true);
    }

    private static string? Clock(RunStatistics s, bool withPings)
    {
        if (s.Clock is not { } clock)
        {
            return s.Ok > 0 ? $"stats.clock: missing, but stats.ok is {s.Ok}" : null;
        }
        if (s.Ok == 0 || s.Rtt is null)
        {
            return "stats.clock: present, but stats.ok is 0 (the estimate needs an ok ping)";
        }
        (string Name, double Value)[] values =
        [
            ("offset_us", clock.OffsetUs), ("error_bound_us", clock.ErrorBoundUs),
            ("forward_p50_us", clock.ForwardP50Us), ("backward_p50_us", clock.BackwardP50Us),
        ];
        foreach (var (name, value) in values)
        {
            if (!double.IsFinite(value))
            {
                return $"stats.clock.{name}: must be a finite number";
            }
        }
        if (!withPings && !Tolerance.AgreesUs(clock.ErrorBoundUs, s.Rtt.MinUs / 2))
        {
            return $"stats.clock.error_bound_us: {Tolerance.Show(clock.ErrorBoundUs)} is not stats.rtt.min_us / 2 ({Tolerance.Show(s.Rtt.MinUs / 2)})";
        }
        if (clock.ReferenceSeq < 0)
        {
            return $"stats.clock.reference_seq: {clock.ReferenceSeq} is negative";
        }
        return TextRules.Name("stats.clock.method", clock.Method, required: true);
    }

    private static string? SendDelay(RunStatistics s)
    {
        if (s.SendDelay is not { } delay)
        {
            return null;
        }
        (string Name, double Value)[] values = [("mean_us", delay.MeanUs), ("p99_us", delay.P99Us), ("max_us", delay.MaxUs)];
        foreach (var (name, value) in values)
        {
            if (!double.IsFinite(value) || Math.Abs(value) > DocumentLimits.MaxDurationUs)
            {
                return $"stats.send_delay.{name}: {Tolerance.Show(value)} is not a duration (finite, at most a day)";
            }
        }
        if (!Tolerance.AtMostUs(delay.MeanUs, delay.MaxUs) || !Tolerance.AtMostUs(delay.P99Us, delay.MaxUs))
        {
            return $"stats.send_delay.max_us: {Tolerance.Show(delay.MaxUs)} is below its mean_us or p99_us";
        }
        int sentPings = s.Sent + s.Warmup; // abandoned pings are outside the send delay figures
        if (delay.LateSends < 0 || delay.LateSends > sentPings)
        {
            return $"stats.send_delay.late_sends: {delay.LateSends} is outside 0..{sentPings} (the pings sent)";
        }
        return null;
    }
}

using System.Globalization;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Export;

/// <summary>
/// <c>results export --format csv</c>: one row per run (RFC 4180: comma-separated, fields with a comma, quote or
/// line break quoted). Latencies in microseconds, rates as fractions, times ISO 8601 UTC; an absent figure is empty.
/// </summary>
internal static class CsvExport
{
    public static readonly string[] Columns =
    [
        "run_id", "started_at", "ended_at", "platform", "channel", "transport_mode", "location", "agent_location",
        "runner_host", "outcome", "outcome_reason", "count", "interval_ms", "payload_bytes", "sent", "ok", "lost", "late",
        "loss_rate", "late_rate", "rtt_min_us", "rtt_mean_us", "rtt_p50_us", "rtt_p90_us", "rtt_p95_us", "rtt_p99_us",
        "rtt_p999_us", "rtt_max_us", "net_rtt_p50_us", "jitter_rfc3550_us",
    ];

    public static void WriteHeader(TextWriter w) => w.WriteLine(string.Join(',', Columns));

    public static void WriteRow(TextWriter w, RunResult r)
    {
        var s = r.Stats;
        string?[] fields =
        [
            r.RunId, Time(r.StartedAt), Time(r.EndedAt), r.Platform, r.Channel, r.TransportMode, r.Location, r.AgentLocation,
            r.RunnerHost, r.Outcome.Status, r.Outcome.Reason, Num(r.Config.Count), Num(r.Config.IntervalMs), Num(r.Config.PayloadBytes),
            Num(s.Sent), Num(s.Ok), Num(s.Lost), Num(s.Late), Num(s.LossRate), Num(s.LateRate), Num(s.Rtt?.MinUs), Num(s.Rtt?.MeanUs),
            Num(s.Rtt?.P50Us), Num(s.Rtt?.P90Us), Num(s.Rtt?.P95Us), Num(s.Rtt?.P99Us), Num(s.Rtt?.P999Us), Num(s.Rtt?.MaxUs),
            Num(s.NetRtt?.P50Us), Num(s.JitterRfc3550Us),
        ];
        w.WriteLine(string.Join(',', fields.Select(Quote)));
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string? Num(double? v) => v?.ToString("R", CultureInfo.InvariantCulture);

    private static string? Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting; a field that a spreadsheet would run as a formula (=, +, -, @) is prefixed with '.</summary>
    internal static string Quote(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }
        if (field[0] is '=' or '+' or '@' || (field[0] == '-' && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            field = "'" + field;
        }
        return field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}

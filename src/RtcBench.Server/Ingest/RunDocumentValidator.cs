using RtcBench.Core.Histograms;
using RtcBench.Core.Results;

namespace RtcBench.Server.Ingest;

/// <summary>
/// Checks an ingested result document beyond what JSON parsing checks, and names the first field at fault the way
/// a JSON path does, e.g. <c>pings[3].status: unknown status 'x'</c>. A document that passes can be stored and read
/// back equal by every store.
/// </summary>
internal static class RunDocumentValidator
{
    private static readonly string[] Channels = ["reliable", "lossy"];

    private static readonly string[] Outcomes = [RunOutcome.OkStatus, RunOutcome.PartialStatus, RunOutcome.FailedStatus];

    private static readonly string[] PingStatuses = ["ok", "lost", "late", "warmup", "not_sent"];

    /// <summary>Null when the document is acceptable, else the field and what is wrong with it.</summary>
    public static string? Validate(RunResult run)
    {
        return CheckIdentity(run) ?? CheckConfig(run) ?? CheckHistogram(run) ?? CheckPings(run);
    }

    private static string? CheckIdentity(RunResult run)
    {
        if (run.Schema != RunResult.CurrentSchema)
        {
            return $"schema: unsupported schema '{run.Schema}'; this service reads '{RunResult.CurrentSchema}'";
        }
        if (!IsRunId(run.RunId))
        {
            return $"run_id: '{Shorten(run.RunId)}' is not 32 lower-case hex digits";
        }
        if (string.IsNullOrWhiteSpace(run.Platform) || run.Platform.Length > 64)
        {
            return "platform: must be a name of 1 to 64 characters";
        }
        if (Array.IndexOf(Channels, run.Channel) < 0)
        {
            return $"channel: unknown channel '{Shorten(run.Channel)}'; expected reliable or lossy";
        }
        if (run.Location is { Length: > 128 })
        {
            return "location: longer than 128 characters";
        }
        if (run.EndedAt < run.StartedAt)
        {
            return "ended_at: before started_at";
        }
        if (run.Outcome is null || Array.IndexOf(Outcomes, run.Outcome.Status) < 0)
        {
            return $"outcome.status: unknown status '{Shorten(run.Outcome?.Status)}'; expected ok, partial or failed";
        }
        return null;
    }

    private static string? CheckConfig(RunResult run)
    {
        if (run.Config is null)
        {
            return "config: missing";
        }
        if (run.Stats is null)
        {
            return "stats: missing";
        }
        var s = run.Stats;
        if (s.Sent < 0 || s.Ok < 0 || s.Lost < 0 || s.Late < 0 || s.Sent != s.Ok + s.Lost + s.Late)
        {
            return $"stats.sent: {s.Sent} is not ok + lost + late ({s.Ok} + {s.Lost} + {s.Late})";
        }
        if (!(s.LossRate >= 0 && s.LossRate <= 1))
        {
            return "stats.loss_rate: must be between 0 and 1";
        }
        if (s.Rtt is { } rtt && (rtt.Count != s.Ok || !double.IsFinite(rtt.MeanUs) || rtt.MeanUs < 0))
        {
            return $"stats.rtt: count {rtt.Count} must equal stats.ok ({s.Ok}) with a finite, non-negative mean";
        }
        if (s.MeanAbsDeltaRttUs is { } jitter && !(jitter >= 0 && double.IsFinite(jitter)))
        {
            return "stats.mean_abs_delta_rtt_us: must be finite and non-negative";
        }
        return null;
    }

    private static string? CheckHistogram(RunResult run)
    {
        var h = run.Histogram;
        if (h is null)
        {
            return "histogram: missing";
        }
        if (h.Encoding != LogHistogram.EncodingName)
        {
            return $"histogram.encoding: unknown encoding '{Shorten(h.Encoding)}'; expected {LogHistogram.EncodingName}";
        }
        if (h.Unit != "us")
        {
            return $"histogram.unit: unknown unit '{Shorten(h.Unit)}'; expected us";
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(h.Data ?? "");
        }
        catch (FormatException)
        {
            return "histogram.data: not base64";
        }
        if (!string.Equals(Convert.ToBase64String(bytes), h.Data, StringComparison.Ordinal))
        {
            return "histogram.data: not canonical base64 (padding or whitespace)";
        }
        if (bytes.Length == 0)
        {
            return h.Count == 0 && run.Stats.Ok == 0 ? null : "histogram.data: empty but histogram.count is not 0";
        }
        if (!LogHistogram.TryDeserialize(bytes, out var histogram))
        {
            return $"histogram.data: not a valid {LogHistogram.EncodingName} histogram";
        }
        if (histogram!.Count != h.Count || h.Count != run.Stats.Ok)
        {
            return $"histogram.count: {h.Count}, but the data holds {histogram.Count} values and stats.ok is {run.Stats.Ok}";
        }
        return null;
    }

    private static string? CheckPings(RunResult run)
    {
        var pings = run.Pings;
        if (pings is null)
        {
            return "pings: missing";
        }
        int ok = 0, lost = 0, late = 0;
        for (int i = 0; i < pings.Count; i++)
        {
            var p = pings[i];
            if (p is null)
            {
                return $"pings[{i}]: null";
            }
            if (Array.IndexOf(PingStatuses, p.Status) < 0)
            {
                return $"pings[{i}].status: unknown status '{Shorten(p.Status)}'; expected one of {string.Join(", ", PingStatuses)}";
            }
            if (p.Seq < 0 || (i > 0 && p.Seq <= pings[i - 1].Seq))
            {
                return $"pings[{i}].seq: {p.Seq} is not above the previous ping's seq; pings must be in increasing seq order";
            }
            if (!WholeMicroseconds(p.ScheduledAt) || (p.SentAt is { } sent && !WholeMicroseconds(sent)))
            {
                return $"pings[{i}].scheduled_at: times must be whole microseconds";
            }
            if (p.RttUs is { } rtt && !(rtt >= 0 && double.IsFinite(rtt)))
            {
                return $"pings[{i}].rtt_us: must be finite and non-negative";
            }
            switch (p.Status)
            {
                case "ok" when p.RttUs is null:
                    return $"pings[{i}].rtt_us: an ok ping needs an RTT";
                case "ok": ok++; break;
                case "lost": lost++; break;
                case "late": late++; break;
                default: break;
            }
        }
        if (pings.Count > 0 && (ok != run.Stats.Ok || lost != run.Stats.Lost || late != run.Stats.Late))
        {
            return $"stats.ok: stats say ok/lost/late = {run.Stats.Ok}/{run.Stats.Lost}/{run.Stats.Late}, the pings hold {ok}/{lost}/{late}";
        }
        return null;
    }

    private static bool WholeMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % 10 == 0;

    private static bool IsRunId(string? id)
    {
        if (id is not { Length: 32 })
        {
            return false;
        }
        foreach (char c in id)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }

    private static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";
}

using System.Globalization;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Validation;

/// <summary>The document's identity, times, outcome, configuration and path: what no ping can recompute.</summary>
internal static class DocumentRules
{
    public static string? Check(RunResult run, DateTimeOffset now) =>
        Identity(run) ?? Place(run) ?? Times(run, now) ?? Outcome(run) ?? Config(run.Config) ?? Path(run.Path);

    private static string? Identity(RunResult run)
    {
        if (run.Schema != RunResult.CurrentSchema)
        {
            return $"schema: unsupported schema {TextRules.Quote(run.Schema)}; this service reads '{RunResult.CurrentSchema}'";
        }
        if (!RunValidator.IsRunId(run.RunId))
        {
            return run.RunId is null ? "run_id: missing" : $"run_id: {TextRules.Quote(run.RunId)} is not 32 lower-case hex digits";
        }
        if (TextRules.Name("tool_version", run.ToolVersion, required: true) is { } version)
        {
            return version;
        }
        if (run.Platform is null)
        {
            return "platform: missing";
        }
        if (!KnownValues.IsPlatform(run.Platform))
        {
            return $"platform: unknown platform {TextRules.Quote(run.Platform)}; known: {KnownValues.List(KnownValues.Platforms)}";
        }
        if (!KnownValues.IsChannel(run.Channel))
        {
            return run.Channel is null ? "channel: missing" : $"channel: unknown channel {TextRules.Quote(run.Channel)}; expected reliable or lossy";
        }
        return TextRules.Name("transport_mode", run.TransportMode, required: false);
    }

    private static string? Place(RunResult run)
    {
        if (TextRules.Name("location", run.Location, required: false) is { } location)
        {
            return location;
        }
        if (run.Latitude is { } lat && !(lat >= -90 && lat <= 90))
        {
            return $"latitude: {Tolerance.Show(lat)} is outside -90..90";
        }
        if (run.Longitude is { } lon && !(lon >= -180 && lon <= 180))
        {
            return $"longitude: {Tolerance.Show(lon)} is outside -180..180";
        }
        if (run.Latitude.HasValue != run.Longitude.HasValue)
        {
            return run.Latitude.HasValue ? "longitude: missing; give latitude and longitude together" : "latitude: missing; give latitude and longitude together";
        }
        return TextRules.Name("agent_location", run.AgentLocation, required: false)
            ?? TextRules.Name("runner_host", run.RunnerHost, required: false);
    }

    private static string? Times(RunResult run, DateTimeOffset now)
    {
        var latest = now + DocumentLimits.ClockSkew;
        if (run.StartedAt < DocumentLimits.ProjectEpoch)
        {
            return $"started_at: {Show(run.StartedAt)} is before RtcBench existed ({Show(DocumentLimits.ProjectEpoch)})";
        }
        if (run.StartedAt > latest)
        {
            return $"started_at: {Show(run.StartedAt)} is in the future (the service's clock says {Show(now)}; "
                + $"{DocumentLimits.ClockSkew.TotalMinutes:0} minutes of clock skew are allowed)";
        }
        if (run.EndedAt < run.StartedAt)
        {
            return $"ended_at: {Show(run.EndedAt)} is before started_at ({Show(run.StartedAt)})";
        }
        if (run.EndedAt > latest)
        {
            return $"ended_at: {Show(run.EndedAt)} is in the future (the service's clock says {Show(now)}; "
                + $"{DocumentLimits.ClockSkew.TotalMinutes:0} minutes of clock skew are allowed)";
        }
        return null;
    }

    private static string? Outcome(RunResult run)
    {
        var outcome = run.Outcome;
        if (outcome is null)
        {
            return "outcome: missing";
        }
        if (!KnownValues.IsOutcome(outcome.Status))
        {
            return $"outcome.status: unknown status {TextRules.Quote(outcome.Status)}; expected {KnownValues.List(KnownValues.Outcomes)}";
        }
        if ((TextRules.FreeText("outcome.reason", outcome.Reason) ?? TextRules.FreeText("outcome.detail", outcome.Detail)) is { } text)
        {
            return text;
        }
        bool echoLost = outcome.Reason == RunOutcome.EchoLostReason;
        if (echoLost && outcome.Status != RunOutcome.FailedStatus)
        {
            return $"outcome.status: '{outcome.Status}', but a run whose echo was lost (reason echo-lost) has failed";
        }
        if (outcome.NoticedAt is not { } noticed)
        {
            return echoLost ? "outcome.noticed_at: missing; an echo-lost outcome says when it was noticed" : null;
        }
        if (!UnixMicros.TryExact(noticed, out _))
        {
            return "outcome.noticed_at: times must be whole microseconds";
        }
        if (noticed < run.StartedAt || noticed > run.EndedAt + DocumentLimits.PingTimeSlack)
        {
            return $"outcome.noticed_at: {Show(noticed)} is outside the run ({Show(run.StartedAt)} .. {Show(run.EndedAt)})";
        }
        return null;
    }

    private static string? Config(RunConfigRecord? config)
    {
        if (config is null)
        {
            return "config: missing";
        }
        if (config.Count is < 1 or > DocumentLimits.MaxCount)
        {
            return $"config.count: {config.Count} is outside 1..{DocumentLimits.MaxCount}";
        }
        if (config.Warmup is < 0 or > DocumentLimits.MaxWarmup)
        {
            return $"config.warmup: {config.Warmup} is outside 0..{DocumentLimits.MaxWarmup}";
        }
        if (!(config.IntervalMs > 0 && config.IntervalMs <= DocumentLimits.MaxIntervalMs))
        {
            return $"config.interval_ms: {Tolerance.Show(config.IntervalMs)} is not above 0 and at most {DocumentLimits.MaxIntervalMs}";
        }
        if (!(config.DeadlineMs > 0 && config.DeadlineMs <= DocumentLimits.MaxDeadlineMs))
        {
            return $"config.deadline_ms: {Tolerance.Show(config.DeadlineMs)} is not above 0 and at most {DocumentLimits.MaxDeadlineMs}";
        }
        if (config.PayloadBytes is < 0 or > PingCodec.MaxPayloadBytes)
        {
            return $"config.payload_bytes: {config.PayloadBytes} is outside 0..{PingCodec.MaxPayloadBytes}";
        }
        if (!KnownValues.Schedules.Contains(config.Schedule, StringComparer.Ordinal))
        {
            return $"config.schedule: unknown schedule {TextRules.Quote(config.Schedule)}; expected fixed or poisson";
        }
        return null;
    }

    private static string? Path(PathInfo? path)
    {
        if (path is null)
        {
            return null;
        }
        (string Field, string? Value)[] texts =
        [
            ("path.transport", path.Transport), ("path.reliability", path.Reliability),
            ("path.local_address", path.LocalAddress), ("path.remote_address", path.RemoteAddress),
            ("path.candidate_pair", path.CandidatePair), ("path.server_region", path.ServerRegion),
        ];
        foreach (var (field, value) in texts)
        {
            if (TextRules.Name(field, value, required: false, DocumentLimits.MaxTextLength) is { } problem)
            {
                return problem;
            }
        }
        if (path.Echo is not null && !path.IsReflector)
        {
            return $"path.echo: {TextRules.Quote(path.Echo)} is unknown; leave it out (an RtcBench echo) or say \"{PathInfo.ReflectorEcho}\"";
        }
        if (path.SetupMs is { } setup && !(setup >= 0 && setup <= DocumentLimits.MaxDurationUs / 1000))
        {
            return $"path.setup_ms: {Tolerance.Show(setup)} is negative or longer than a day";
        }
        if (path.Details is not { } details)
        {
            return null;
        }
        if (details.Count > DocumentLimits.MaxPathDetails)
        {
            return $"path.details: {details.Count} entries; at most {DocumentLimits.MaxPathDetails}";
        }
        foreach (var (key, value) in details)
        {
            string field = "path.details." + key;
            if (TextRules.Name("path.details", key, required: true, 64) is { } badKey)
            {
                return badKey + " (a key)";
            }
            if (value is null)
            {
                return $"{field}: null; leave the key out instead";
            }
            if (TextRules.FreeText(field, value) is { } badValue)
            {
                return badValue;
            }
        }
        return null;
    }

    private static string Show(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

using System.Text.Json;
using Cronos;
using RtcBench.Cli.Parsing;
using RtcBench.Cli.Thresholds;
using RtcBench.Core.Measurement;
using RtcBench.Platforms;

namespace RtcBench.Cli.Fleet;

/// <summary>Reads and validates a runner plan; every problem is one line naming the field (jobs[0].schedule: …).</summary>
internal static class PlanLoader
{
    public sealed record LoadedPlan(IReadOnlyList<ScheduledJob> Jobs, string? Store, string? Location);

    public static LoadedPlan? Load(string path, out List<string> errors)
    {
        errors = [];
        RunnerPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<RunnerPlan>(File.ReadAllText(path), RunnerPlan.JsonOptions);
        }
        catch (JsonException ex)
        {
            errors.Add($"{path}: not a valid plan: {ex.Message}");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"cannot read {path}: {ex.Message}");
            return null;
        }
        if (plan?.Jobs is not { Count: > 0 })
        {
            errors.Add($"{path}: the plan has no jobs; see docs/runner-plan.md");
            return null;
        }
        var jitter = TimeSpan.Zero;
        if (plan.Jitter is not null && !DurationParser.TryParse(plan.Jitter, TimeSpan.Zero, TimeSpan.FromHours(24), "30s", out jitter, out string jitterError))
        {
            errors.Add($"jitter: {jitterError}");
        }
        if (plan.Location is { Length: > 128 })
        {
            errors.Add("location: longer than 128 characters");
        }
        var jobs = new List<ScheduledJob>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < plan.Jobs.Count; i++)
        {
            var job = plan.Jobs[i];
            string at = $"jobs[{i}]";
            if (job is null)
            {
                errors.Add($"{at}: null");
                continue;
            }
            string name = string.IsNullOrWhiteSpace(job.Name) ? $"job{i}" : job.Name.Trim();
            if (!names.Add(name))
            {
                errors.Add($"{at}.name: '{name}' is used by two jobs");
            }
            CronExpression? cron = null;
            if (string.IsNullOrWhiteSpace(job.Schedule))
            {
                errors.Add($"{at}.schedule: missing; a cron expression in UTC, e.g. \"*/5 * * * *\" (every 5 minutes)");
            }
            else
            {
                string text = job.Schedule.Trim();
                int fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                try
                {
                    cron = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
                }
                catch (CronFormatException ex)
                {
                    errors.Add($"{at}.schedule: '{text}' is not a cron expression (5 fields, or 6 with seconds first): {ex.Message}");
                }
            }
            string? agentText = job.Agent ?? plan.Agent;
            Uri? agent = null;
            if (agentText is null)
            {
                errors.Add($"{at}.agent: missing (and the plan has no agent); an http(s) URL, e.g. http://127.0.0.1:8080");
            }
            else if (!Uri.TryCreate(agentText, UriKind.Absolute, out agent) || (agent.Scheme != Uri.UriSchemeHttp && agent.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{at}.agent: '{agentText}' is not an http(s) URL");
            }
            var platforms = (job.Platforms ?? ["udp"]).Select(p => p.Trim().ToLowerInvariant()).Distinct().ToList();
            foreach (string p in platforms.Where(p => !PlatformCatalog.Names.Contains(p)))
            {
                errors.Add($"{at}.platforms: '{p}' is not a platform; available: {string.Join(", ", PlatformCatalog.Names)}");
            }
            IReadOnlyList<string>? channels = (job.Channel ?? "both") switch
            {
                "both" => null,
                "reliable" => ["reliable"],
                "lossy" => ["lossy"],
                var other => Invalid<IReadOnlyList<string>>(errors, $"{at}.channel: '{other}' is not a choice; use reliable, lossy or both"),
            };
            var interval = Duration(errors, $"{at}.interval", job.Interval ?? "100ms");
            var config = new RunConfig
            {
                Count = job.Count ?? 200,
                Interval = interval,
                Warmup = job.Warmup ?? RunConfig.DefaultWarmupFor(interval),
                Deadline = Duration(errors, $"{at}.deadline", job.Deadline ?? "5s"),
                PayloadBytes = job.PayloadBytes ?? 128,
            };
            errors.AddRange(config.Validate().Select(e => $"{at}.{e.Replace("payload-bytes", "payload_bytes", StringComparison.Ordinal)}"));
            var jobJitter = jitter;
            if (job.Jitter is not null && !DurationParser.TryParse(job.Jitter, TimeSpan.Zero, TimeSpan.FromHours(24), "30s", out jobJitter, out string jobJitterError))
            {
                errors.Add($"{at}.jitter: {jobJitterError}");
            }
            var thresholds = new List<Threshold>();
            foreach (string rule in job.Thresholds ?? [])
            {
                if (ThresholdParser.TryParse(rule, out var threshold, out string thresholdError))
                {
                    thresholds.Add(threshold);
                }
                else
                {
                    errors.Add($"{at}.thresholds: {thresholdError}");
                }
            }
            if (cron is not null && agent is not null)
            {
                jobs.Add(new ScheduledJob(name, job.Schedule!.Trim(), cron, agent, platforms, channels, config, jobJitter, thresholds));
            }
        }
        return errors.Count == 0 ? new LoadedPlan(jobs, plan.Store, plan.Location) : null;
    }

    private static TimeSpan Duration(List<string> errors, string field, string text)
    {
        if (DurationParser.TryParse(text, out var value, out string error))
        {
            return value;
        }
        errors.Add($"{field}: {error}");
        return TimeSpan.FromMilliseconds(100);
    }

    private static T? Invalid<T>(List<string> errors, string error)
        where T : class
    {
        errors.Add(error);
        return null;
    }
}

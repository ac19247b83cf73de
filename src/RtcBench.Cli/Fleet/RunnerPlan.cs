using System.Text.Json;
using System.Text.Json.Serialization;

namespace RtcBench.Cli.Fleet;

/// <summary>
/// The plan of <c>rtcbench runner --plan FILE</c>: where to measure, what and when (docs/runner-plan.md). JSON with
/// snake_case names; unknown names are refused, so a typo never silently drops a setting.
/// </summary>
internal sealed record RunnerPlan
{
    /// <summary>The echo agent for jobs that name none.</summary>
    public string? Agent { get; init; }

    /// <summary>The results service (http(s)://…) runs are posted to; else --store, else $RTCBENCH_STORE.</summary>
    public string? Store { get; init; }

    public string? Location { get; init; }

    /// <summary>The largest random delay added to each scheduled start (e.g. "30s"), so a fleet does not fire at once.</summary>
    public string? Jitter { get; init; }

    public List<PlanJob>? Jobs { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };
}

/// <summary>One scheduled measurement: platforms and channels through one agent, on a cron schedule.</summary>
internal sealed record PlanJob
{
    public string? Name { get; init; }

    /// <summary>A cron expression in UTC: 5 fields (minute precision) or 6 (seconds first).</summary>
    public string? Schedule { get; init; }

    public string? Agent { get; init; }

    public List<string>? Platforms { get; init; }

    /// <summary>reliable, lossy or both (default).</summary>
    public string? Channel { get; init; }

    public int? Count { get; init; }

    public string? Interval { get; init; }

    public int? Warmup { get; init; }

    public string? Deadline { get; init; }

    public int? PayloadBytes { get; init; }

    /// <summary>Overrides the plan's jitter for this job.</summary>
    public string? Jitter { get; init; }

    /// <summary>--threshold rules judged on each of this job's runs.</summary>
    public List<string>? Thresholds { get; init; }
}

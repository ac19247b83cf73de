using Cronos;
using RtcBench.Cli.Thresholds;
using RtcBench.Core.Measurement;

namespace RtcBench.Cli.Fleet;

/// <summary>A validated plan job: its schedule parsed, its settings resolved against the plan's defaults.</summary>
internal sealed record ScheduledJob(
    string Name, string ScheduleText, CronExpression Schedule, Uri Agent, IReadOnlyList<string> Platforms,
    IReadOnlyList<string>? Channels, RunConfig Config, TimeSpan Jitter, IReadOnlyList<Threshold> Thresholds)
{
    /// <summary>The next scheduled start strictly after <paramref name="afterUtc"/> (before jitter); null if none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset afterUtc) =>
        Schedule.GetNextOccurrence(afterUtc, TimeZoneInfo.Utc);
}

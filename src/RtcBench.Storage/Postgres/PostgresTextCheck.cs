using RtcBench.Core.Results;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// PostgreSQL text and jsonb cannot hold the NUL character (U+0000), which SQLite stores. A run carrying one is
/// rejected up front with an <see cref="ArgumentException"/> naming the field, as for any run that cannot be stored
/// faithfully, instead of failing half-way with a server error.
/// </summary>
internal static class PostgresTextCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> when any text of the run contains U+0000.</summary>
    public static void ThrowIfNul(RunResult run, string statsJson, string? pathJson)
    {
        string? field = FirstFieldWithNul(run, statsJson, pathJson);
        if (field is not null)
        {
            throw new ArgumentException(
                $"The run's {field} contains a NUL character (U+0000), which PostgreSQL text cannot store.", nameof(run));
        }
    }

    private static string? FirstFieldWithNul(RunResult run, string statsJson, string? pathJson)
    {
        (string? Value, string Field)[] texts =
        [
            (run.Schema, "schema"), (run.ToolVersion, "tool_version"), (run.Platform, "platform"),
            (run.Channel, "channel"), (run.TransportMode, "transport_mode"), (run.Location, "location"),
            (run.AgentLocation, "agent_location"), (run.RunnerHost, "runner_host"),
            (run.Config.Schedule, "config.schedule"), (run.Outcome.Status, "outcome.status"),
            (run.Outcome.Reason, "outcome.reason"), (run.Outcome.Detail, "outcome.detail"), (run.Histogram.Encoding, "histogram.encoding"),
            (run.Histogram.Unit, "histogram.unit"),
        ];
        foreach (var (value, field) in texts)
        {
            if (value is not null && value.Contains('\0', StringComparison.Ordinal))
            {
                return field;
            }
        }
        // System.Text.Json writes U+0000 as the escape \u0000, which jsonb refuses too.
        if (statsJson.Contains("\\u0000", StringComparison.Ordinal))
        {
            return "stats";
        }
        if (pathJson is not null && pathJson.Contains("\\u0000", StringComparison.Ordinal))
        {
            return "path";
        }
        IReadOnlyList<PingResult> pings = run.Pings;
        for (int i = 0; i < pings.Count; i++)
        {
            if (pings[i].Status.Contains('\0', StringComparison.Ordinal))
            {
                return $"pings[{i}].status";
            }
        }
        return null;
    }
}

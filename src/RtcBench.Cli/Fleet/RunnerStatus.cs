using System.Text.Json;
using System.Text.Json.Serialization;

namespace RtcBench.Cli.Fleet;

/// <summary>
/// The runner's health, written to <c>--status-file</c> (atomically: a temporary file renamed over it) whenever it
/// changes: state, each job's last and next run, and how many runs wait in the spool. Fields in docs/runner-plan.md.
/// </summary>
internal sealed class RunnerStatus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>starting, waiting, running or stopped.</summary>
    public string State { get; set; } = "starting";

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Pid { get; init; } = Environment.ProcessId;

    public string? Store { get; init; }

    /// <summary>This runner's name in its reports to the service (<c>$RTCBENCH_RUNNER_ID</c>, else the host name).</summary>
    public string? RunnerId { get; init; }

    public string? Location { get; init; }

    /// <summary>Runs waiting in the spool for the results service.</summary>
    public int SpoolPending { get; set; }

    /// <summary>Seconds since the oldest waiting run started (0 when none waits).</summary>
    public double SpoolOldestAgeSeconds { get; set; }

    /// <summary>Bytes of the waiting runs.</summary>
    public long SpoolBytes { get; set; }

    /// <summary>Runs the service refused, kept in <c>spool/rejected</c>.</summary>
    public int SpoolRejected { get; set; }

    /// <summary>When the service last took this runner's report (the spool figures above), or null.</summary>
    public DateTimeOffset? ReportedAt { get; set; }

    public string? SpoolDirectory { get; set; }

    public List<JobStatus> Jobs { get; init; } = [];

    public void WriteTo(string? path)
    {
        if (path is null)
        {
            return;
        }
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}

internal sealed class JobStatus
{
    public required string Name { get; init; }

    public required string Schedule { get; init; }

    /// <summary>When the next run starts (scheduled time plus this occurrence's jitter).</summary>
    public DateTimeOffset? NextRunAt { get; set; }

    public LastRun? LastRun { get; set; }

    /// <summary>Scheduled starts attempted, and how many of them failed (no run: agent down, join failed, …).</summary>
    public int Attempts { get; set; }

    public int Failures { get; set; }

    /// <summary>Runs measured (one per platform × channel per attempt).</summary>
    public int RunsMeasured { get; set; }

    /// <summary>Scheduled starts skipped because the previous run was still going.</summary>
    public int Skipped { get; set; }
}

internal sealed record LastRun
{
    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>ok (runs measured), failed (none) or partial (some platforms failed).</summary>
    public required string Outcome { get; init; }

    public List<string> RunIds { get; init; } = [];

    public string? Error { get; init; }

    public int ThresholdsFailed { get; init; }
}

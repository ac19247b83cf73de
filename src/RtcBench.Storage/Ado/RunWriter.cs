using System.Data.Common;
using System.Text;
using System.Text.Json;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Ado;

/// <summary>
/// The statement that writes one run row, its id claimed in the same statement (INSERT … ON CONFLICT DO NOTHING …
/// RETURNING 1: a row when the run was inserted, none when a run with this id is stored); both databases. It is sent
/// in one command with the save's rollup statements (one round trip).
/// </summary>
internal static class RunWriter
{
    /// <summary>Appends the run row's INSERT (returning one row when inserted) to <paramref name="sql"/> and binds its values.</summary>
    public static void AppendInsert(StoreDialect dialect, DbCommand command, StringBuilder sql, RunResult run, byte[] histogram)
    {
        var stats = run.Stats;
        string statsJson = JsonSerializer.Serialize(stats, ResultJson.Options);
        string? pathJson = run.Path is null ? null : JsonSerializer.Serialize(run.Path, ResultJson.Options);
        dialect.CheckText(run, statsJson, pathJson);

        var values = new List<(string Column, DbKind Kind, object? Value)>(48);
        var (id, idKind) = dialect.Id(run.RunId);
        values.Add(("id", idKind, id));
        values.Add(("schema", DbKind.Text, run.Schema));
        values.Add(("tool_version", DbKind.Text, run.ToolVersion));
        values.Add(("platform", DbKind.Text, run.Platform));
        values.Add(("channel", DbKind.Text, run.Channel));
        values.Add(("transport_mode", DbKind.Text, run.TransportMode));
        values.Add(("location", DbKind.Text, run.Location));
        values.Add(("latitude", DbKind.Double, run.Latitude));
        values.Add(("longitude", DbKind.Double, run.Longitude));
        values.Add(("agent_location", DbKind.Text, run.AgentLocation));
        values.Add(("runner_host", DbKind.Text, run.RunnerHost));
        foreach (var time in dialect.ExactTimeValues("started_at", run.StartedAt))
        {
            values.Add(time);
        }
        foreach (var time in dialect.ExactTimeValues("ended_at", run.EndedAt))
        {
            values.Add(time);
        }
        values.Add(("count", DbKind.Integer, run.Config.Count));
        values.Add(("interval_ms", DbKind.Double, run.Config.IntervalMs));
        values.Add(("warmup", DbKind.Integer, run.Config.Warmup));
        values.Add(("deadline_ms", DbKind.Double, run.Config.DeadlineMs));
        values.Add(("payload_bytes", DbKind.Integer, run.Config.PayloadBytes));
        values.Add(("schedule", DbKind.Text, run.Config.Schedule));
        values.Add(("seed", DbKind.Integer, run.Config.Seed));
        values.Add(("outcome_status", DbKind.Text, run.Outcome.Status));
        values.Add(("outcome_reason", DbKind.Text, run.Outcome.Reason));
        values.Add(("outcome_detail", DbKind.Text, run.Outcome.Detail));
        if (run.Outcome.NoticedAt is { } noticed)
        {
            var (value, kind) = dialect.Micros(noticed);
            values.Add(("outcome_noticed_at", kind, value));
        }
        values.Add(("sent", DbKind.Integer, stats.Sent));
        values.Add(("ok", DbKind.Integer, stats.Ok));
        values.Add(("lost", DbKind.Integer, stats.Lost));
        values.Add(("late", DbKind.Integer, stats.Late));
        values.Add(("loss_rate", DbKind.Double, stats.LossRate));
        values.Add(("rtt_p50_us", DbKind.Double, stats.Rtt?.P50Us));
        values.Add(("rtt_p95_us", DbKind.Double, stats.Rtt?.P95Us));
        values.Add(("rtt_p99_us", DbKind.Double, stats.Rtt?.P99Us));
        values.Add(("rtt_mean_us", DbKind.Double, stats.Rtt?.MeanUs));
        values.Add(("jitter_rfc3550_us", DbKind.Double, stats.JitterRfc3550Us));
        values.Add((dialect.StatsColumn, DbKind.Json, statsJson));
        values.Add((dialect.PathColumn, DbKind.Json, pathJson));
        values.Add(("histogram_encoding", DbKind.Text, run.Histogram.Encoding));
        values.Add(("histogram_unit", DbKind.Text, run.Histogram.Unit));
        values.Add(("histogram_relative_accuracy", DbKind.Double, run.Histogram.RelativeAccuracy));
        values.Add(("histogram_count", DbKind.BigInt, run.Histogram.Count));
        values.Add(("histogram", DbKind.Blob, histogram));

        var columns = new StringBuilder();
        var parameters = new StringBuilder();
        foreach (var (column, kind, value) in values)
        {
            columns.Append(columns.Length == 0 ? "" : ", ").Append(column);
            parameters.Append(parameters.Length == 0 ? "@" : ", @").Append(column);
            dialect.Add(command, column, kind, value);
        }
        sql.Append(dialect.RunInsertSql(columns.ToString(), parameters.ToString()));
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Sqlite;

/// <summary>Writes one run and its pings inside the caller's transaction.</summary>
internal static class SqliteRunWriter
{
    /// <summary>
    /// Pings per multi-row INSERT. Small on purpose: SQLite looks bound parameters up by name with a linear scan,
    /// so very wide statements get slower again (100 rows: ~1.2 s per 100,000 pings; 10 rows: ~0.5 s; 1 row: ~0.7 s).
    /// </summary>
    internal const int PingBatchSize = 10;

    private static readonly string[] RunColumns =
    [
        "id", "schema", "tool_version", "platform", "channel", "transport_mode", "location", "latitude", "longitude",
        "agent_location", "runner_host", "started_at", "ended_at", "started_at_utc", "ended_at_utc",
        "count", "interval_ms", "warmup", "deadline_ms", "payload_bytes", "schedule", "seed",
        "outcome_status", "outcome_reason", "outcome_detail", "outcome_noticed_at",
        "sent", "ok", "lost", "late", "loss_rate", "rtt_p50_us", "rtt_p95_us", "rtt_p99_us", "rtt_mean_us",
        "jitter_rfc3550_us", "stats_json", "path_json",
        "histogram_encoding", "histogram_unit", "histogram_relative_accuracy", "histogram_count", "histogram",
    ];

    private static readonly string InsertRunSql =
        $"INSERT INTO runs ({string.Join(", ", RunColumns)}) VALUES ({string.Join(", ", RunColumns.Select(c => "@" + c))}) "
        + "ON CONFLICT (id) DO NOTHING;";

    /// <summary>Inserts the run row; false when a run with this id is already stored (nothing written).</summary>
    public static async Task<bool> TryInsertRunAsync(
        SqliteConnection connection, RunResult run, byte[] histogram, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = InsertRunSql;
        var p = command.Parameters;
        var stats = run.Stats;
        p.AddWithValue("@id", run.RunId);
        p.AddWithValue("@schema", run.Schema);
        p.AddWithValue("@tool_version", run.ToolVersion);
        p.AddWithValue("@platform", run.Platform);
        p.AddWithValue("@channel", run.Channel);
        p.AddWithValue("@transport_mode", Db(run.TransportMode));
        p.AddWithValue("@location", Db(run.Location));
        p.AddWithValue("@latitude", Db(run.Latitude));
        p.AddWithValue("@longitude", Db(run.Longitude));
        p.AddWithValue("@agent_location", Db(run.AgentLocation));
        p.AddWithValue("@runner_host", Db(run.RunnerHost));
        p.AddWithValue("@started_at", UnixMicros.Floor(run.StartedAt));
        p.AddWithValue("@ended_at", UnixMicros.Floor(run.EndedAt));
        p.AddWithValue("@started_at_utc", UnixMicros.ToText(run.StartedAt));
        p.AddWithValue("@ended_at_utc", UnixMicros.ToText(run.EndedAt));
        p.AddWithValue("@count", run.Config.Count);
        p.AddWithValue("@interval_ms", run.Config.IntervalMs);
        p.AddWithValue("@warmup", run.Config.Warmup);
        p.AddWithValue("@deadline_ms", run.Config.DeadlineMs);
        p.AddWithValue("@payload_bytes", run.Config.PayloadBytes);
        p.AddWithValue("@schedule", run.Config.Schedule);
        p.AddWithValue("@seed", Db(run.Config.Seed));
        p.AddWithValue("@outcome_status", run.Outcome.Status);
        p.AddWithValue("@outcome_reason", Db(run.Outcome.Reason));
        p.AddWithValue("@outcome_detail", Db(run.Outcome.Detail));
        p.AddWithValue("@outcome_noticed_at", run.Outcome.NoticedAt is { } noticed ? UnixMicros.Floor(noticed) : DBNull.Value);
        p.AddWithValue("@sent", stats.Sent);
        p.AddWithValue("@ok", stats.Ok);
        p.AddWithValue("@lost", stats.Lost);
        p.AddWithValue("@late", stats.Late);
        p.AddWithValue("@loss_rate", stats.LossRate);
        p.AddWithValue("@rtt_p50_us", Db(stats.Rtt?.P50Us));
        p.AddWithValue("@rtt_p95_us", Db(stats.Rtt?.P95Us));
        p.AddWithValue("@rtt_p99_us", Db(stats.Rtt?.P99Us));
        p.AddWithValue("@rtt_mean_us", Db(stats.Rtt?.MeanUs));
        p.AddWithValue("@jitter_rfc3550_us", Db(stats.JitterRfc3550Us));
        p.AddWithValue("@stats_json", JsonSerializer.Serialize(stats, ResultJson.Options));
        p.AddWithValue("@path_json", run.Path is null ? DBNull.Value : JsonSerializer.Serialize(run.Path, ResultJson.Options));
        p.AddWithValue("@histogram_encoding", run.Histogram.Encoding);
        p.AddWithValue("@histogram_unit", run.Histogram.Unit);
        p.AddWithValue("@histogram_relative_accuracy", run.Histogram.RelativeAccuracy);
        p.AddWithValue("@histogram_count", run.Histogram.Count);
        p.Add("@histogram", SqliteType.Blob).Value = histogram;
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Inserts the pings with two prepared multi-row commands (a full batch and the remainder), each built once and
    /// re-bound for every batch. Pings must have passed <see cref="RunValidator.Validate"/>.
    /// </summary>
    public static void InsertPings(
        SqliteConnection connection, string runId, IReadOnlyList<PingResult> pings, CancellationToken cancellationToken)
    {
        int full = pings.Count / PingBatchSize;
        int remainder = pings.Count % PingBatchSize;
        if (full > 0)
        {
            using var batch = CreatePingInsert(connection, runId, PingBatchSize);
            for (int b = 0; b < full; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Bind(batch, pings, b * PingBatchSize, PingBatchSize);
                // Microsoft.Data.Sqlite runs commands synchronously; the sync call saves a Task per batch.
                batch.ExecuteNonQuery();
            }
        }
        if (remainder > 0)
        {
            using var tail = CreatePingInsert(connection, runId, remainder);
            Bind(tail, pings, full * PingBatchSize, remainder);
            tail.ExecuteNonQuery();
        }
    }

    private const int PingColumnCount = 7;

    private static SqliteCommand CreatePingInsert(SqliteConnection connection, string runId, int rows)
    {
        var sql = new StringBuilder(
            "INSERT INTO pings (run_id, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us) VALUES ");
        var command = connection.CreateCommand();
        command.Parameters.AddWithValue("@run", runId);
        for (int r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "" : ", ").Append("(@run");
            for (int c = 0; c < PingColumnCount; c++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}");
                sql.Append(", ").Append(name);
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            sql.Append(')');
        }
        command.CommandText = sql.Append(';').ToString();
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, IReadOnlyList<PingResult> pings, int start, int rows)
    {
        var parameters = command.Parameters;
        for (int r = 0; r < rows; r++)
        {
            PingResult ping = pings[start + r];
            int i = 1 + r * PingColumnCount; // parameter 0 is @run
            parameters[i].Value = ping.Seq;
            parameters[i + 1].Value = ping.Status;
            parameters[i + 2].Value = UnixMicros.Floor(ping.ScheduledAt);
            parameters[i + 3].Value = ping.SentAt is { } sent ? UnixMicros.Floor(sent) : DBNull.Value;
            parameters[i + 4].Value = Db(ping.SendDelayUs);
            parameters[i + 5].Value = Db(ping.RttUs);
            parameters[i + 6].Value = Db(ping.NetRttUs);
        }
    }

    private static object Db(string? value) => value is null ? DBNull.Value : value;

    private static object Db(double? value) => value is { } v ? v : DBNull.Value;

    private static object Db(int? value) => value is { } v ? v : DBNull.Value;
}

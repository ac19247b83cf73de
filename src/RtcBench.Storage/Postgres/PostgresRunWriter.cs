using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Postgres;

/// <summary>Writes one run (INSERT … ON CONFLICT DO NOTHING) and its pings (binary COPY) inside the caller's transaction.</summary>
internal static class PostgresRunWriter
{
    private static readonly string[] RunColumns =
    [
        "id", "schema", "tool_version", "platform", "channel", "transport_mode", "location", "latitude", "longitude",
        "agent_location", "runner_host", "started_at", "started_at_ticks", "ended_at", "ended_at_ticks",
        "count", "interval_ms", "warmup", "deadline_ms", "payload_bytes", "schedule", "seed",
        "outcome_status", "outcome_reason",
        "sent", "ok", "lost", "late", "loss_rate", "rtt_p50_us", "rtt_p95_us", "rtt_p99_us", "rtt_mean_us",
        "jitter_rfc3550_us", "stats", "path",
        "histogram_encoding", "histogram_unit", "histogram_relative_accuracy", "histogram_count", "histogram",
        "outcome_detail", "outcome_noticed_at",
    ];

    private static readonly string InsertRunSql =
        $"INSERT INTO runs ({string.Join(", ", RunColumns)}) "
        + $"VALUES ({string.Join(", ", Enumerable.Range(1, RunColumns.Length).Select(i => "$" + i))}) "
        + "ON CONFLICT (id) DO NOTHING;";

    private const string CopyPingsSql =
        "COPY pings (run_id, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Inserts the run row; false when a run with this id is already stored (nothing written). A concurrent insert
    /// of the same id waits on the primary key until the other transaction ends, then does nothing if it committed.
    /// </summary>
    public static async Task<bool> TryInsertRunAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        RunResult run,
        byte[] histogram,
        CancellationToken cancellationToken)
    {
        var stats = run.Stats;
        string statsJson = JsonSerializer.Serialize(stats, ResultJson.Options);
        string? pathJson = run.Path is null ? null : JsonSerializer.Serialize(run.Path, ResultJson.Options);
        PostgresTextCheck.ThrowIfNul(run, statsJson, pathJson);
        await using var command = new NpgsqlCommand(InsertRunSql, connection, transaction);
        var p = command.Parameters;
        var (startedAt, startedTicks) = PostgresTime.Split(run.StartedAt);
        var (endedAt, endedTicks) = PostgresTime.Split(run.EndedAt);
        p.Add(new NpgsqlParameter<Guid> { TypedValue = PostgresRunId.ToGuid(run.RunId), NpgsqlDbType = NpgsqlDbType.Uuid });
        Text(p, run.Schema);
        Text(p, run.ToolVersion);
        Text(p, run.Platform);
        Text(p, run.Channel);
        Text(p, run.TransportMode);
        Text(p, run.Location);
        Double(p, run.Latitude);
        Double(p, run.Longitude);
        Text(p, run.AgentLocation);
        Text(p, run.RunnerHost);
        Time(p, startedAt);
        Ticks(p, startedTicks);
        Time(p, endedAt);
        Ticks(p, endedTicks);
        Integer(p, run.Config.Count);
        Double(p, run.Config.IntervalMs);
        Integer(p, run.Config.Warmup);
        Double(p, run.Config.DeadlineMs);
        Integer(p, run.Config.PayloadBytes);
        Text(p, run.Config.Schedule);
        Integer(p, run.Config.Seed);
        Text(p, run.Outcome.Status);
        Text(p, run.Outcome.Reason);
        Integer(p, stats.Sent);
        Integer(p, stats.Ok);
        Integer(p, stats.Lost);
        Integer(p, stats.Late);
        Double(p, stats.LossRate);
        Double(p, stats.Rtt?.P50Us);
        Double(p, stats.Rtt?.P95Us);
        Double(p, stats.Rtt?.P99Us);
        Double(p, stats.Rtt?.MeanUs);
        Double(p, stats.JitterRfc3550Us);
        Json(p, statsJson);
        Json(p, pathJson);
        Text(p, run.Histogram.Encoding);
        Text(p, run.Histogram.Unit);
        Double(p, run.Histogram.RelativeAccuracy);
        p.Add(new NpgsqlParameter<long> { TypedValue = run.Histogram.Count, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<byte[]> { TypedValue = histogram, NpgsqlDbType = NpgsqlDbType.Bytea });
        Text(p, run.Outcome.Detail);
        p.Add(new NpgsqlParameter<DateTimeOffset?>
        {
            TypedValue = run.Outcome.NoticedAt is { } noticed ? PostgresTime.Floor(noticed) : null,
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Streams the pings to the server with one binary COPY. Pings must have passed <see cref="RunValidator.Validate"/>.</summary>
    public static async Task CopyPingsAsync(
        NpgsqlConnection connection, string runId, IReadOnlyList<PingResult> pings, CancellationToken cancellationToken)
    {
        if (pings.Count == 0)
        {
            return;
        }
        Guid id = PostgresRunId.ToGuid(runId);
        await using var importer = await connection.BeginBinaryImportAsync(CopyPingsSql, cancellationToken);
        for (int i = 0; i < pings.Count; i++)
        {
            PingResult ping = pings[i];
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(ping.Seq, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(ping.Status, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(ping.ScheduledAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            if (ping.SentAt is { } sent)
            {
                await importer.WriteAsync(sent.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
            await WriteAsync(importer, ping.SendDelayUs, cancellationToken);
            await WriteAsync(importer, ping.RttUs, cancellationToken);
            await WriteAsync(importer, ping.NetRttUs, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteAsync(NpgsqlBinaryImporter importer, double? value, CancellationToken cancellationToken) =>
        value is { } v
            ? importer.WriteAsync(v, NpgsqlDbType.Double, cancellationToken)
            : importer.WriteNullAsync(cancellationToken);

    private static void Text(NpgsqlParameterCollection p, string? value) =>
        p.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });

    private static void Json(NpgsqlParameterCollection p, string? value) =>
        p.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });

    private static void Double(NpgsqlParameterCollection p, double? value) =>
        p.Add(new NpgsqlParameter { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });

    private static void Integer(NpgsqlParameterCollection p, int? value) =>
        p.Add(new NpgsqlParameter { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });

    private static void Ticks(NpgsqlParameterCollection p, short ticks) =>
        p.Add(new NpgsqlParameter<short> { TypedValue = ticks, NpgsqlDbType = NpgsqlDbType.Smallint });

    private static void Time(NpgsqlParameterCollection p, DateTimeOffset utc) =>
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = utc, NpgsqlDbType = NpgsqlDbType.TimestampTz });
}

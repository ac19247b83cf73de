using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Postgres;

/// <summary>Reads runs, pings and run lists back into the result model.</summary>
internal static class PostgresRunReader
{
    private const string SelectRunSql =
        "SELECT schema, tool_version, platform, channel, transport_mode, location, latitude, longitude, "
        + "agent_location, runner_host, started_at, started_at_ticks, ended_at, ended_at_ticks, count, interval_ms, "
        + "warmup, deadline_ms, payload_bytes, schedule, seed, outcome_status, outcome_reason, stats::text, path::text, "
        + "histogram_encoding, histogram_unit, histogram_relative_accuracy, histogram_count, histogram, "
        + "outcome_detail, outcome_noticed_at "
        + "FROM runs WHERE id = @id;";

    private const string SelectPingsSql =
        "SELECT seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us "
        + "FROM pings WHERE run_id = @id ORDER BY seq;";

    internal const string SummaryColumns =
        "id, platform, channel, transport_mode, location, started_at, started_at_ticks, ended_at, ended_at_ticks, "
        + "outcome_status, sent, ok, lost, late, loss_rate, rtt_p50_us, rtt_p95_us, rtt_p99_us";

    public static async Task<RunResult?> GetRunAsync(
        NpgsqlConnection connection, string runId, bool includePings, CancellationToken cancellationToken)
    {
        RunResult run;
        await using (var command = new NpgsqlCommand(SelectRunSql, connection))
        {
            AddId(command, runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            run = ReadRun(reader, runId);
        }
        return includePings ? run with { Pings = await ReadPingsAsync(connection, runId, cancellationToken) } : run;
    }

    /// <summary>The page and the total; the caller runs this in one repeatable-read transaction so they agree.</summary>
    public static async Task<RunPage> ListRunsAsync(
        NpgsqlConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand { Connection = connection };
        await using var select = new NpgsqlCommand { Connection = connection };
        string where = BuildWhere(query, count.Parameters, select.Parameters);
        count.CommandText = "SELECT COUNT(*) FROM runs" + where + ";";
        select.CommandText =
            $"SELECT {SummaryColumns} FROM runs{where} ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset;";
        select.Parameters.AddWithValue("limit", query.Limit);
        select.Parameters.AddWithValue("offset", query.Offset);

        long total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        var items = new List<RunSummary>(Math.Min(query.Limit, 64));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(reader));
        }
        return new RunPage { Items = items, Total = total };
    }

    /// <summary>A <see cref="RunSummary"/> from a row of <see cref="SummaryColumns"/>.</summary>
    internal static RunSummary ReadSummary(NpgsqlDataReader reader) =>
        new RunSummary
        {
            RunId = PostgresRunId.FromGuid(reader.GetGuid(0)),
            Platform = reader.GetString(1),
            Channel = reader.GetString(2),
            TransportMode = NullableString(reader, 3),
            Location = NullableString(reader, 4),
            StartedAt = ReadTime(reader, 5),
            EndedAt = ReadTime(reader, 7),
            OutcomeStatus = reader.GetString(9),
            Sent = reader.GetInt32(10),
            Ok = reader.GetInt32(11),
            Lost = reader.GetInt32(12),
            Late = reader.GetInt32(13),
            LossRate = reader.GetDouble(14),
            RttP50Us = NullableDouble(reader, 15),
            RttP95Us = NullableDouble(reader, 16),
            RttP99Us = NullableDouble(reader, 17),
        };

    /// <summary>Builds the WHERE clause and adds the same parameters to both commands.</summary>
    private static string BuildWhere(RunQuery query, NpgsqlParameterCollection first, NpgsqlParameterCollection second)
    {
        var where = new StringBuilder();
        void Add(string condition, string name, object value, NpgsqlDbType type)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(condition);
            first.Add(new NpgsqlParameter(name, type) { Value = value });
            second.Add(new NpgsqlParameter(name, type) { Value = value });
        }
        if (query.Platform is not null)
        {
            Add("platform = @platform", "platform", query.Platform, NpgsqlDbType.Text);
        }
        if (query.Location is not null)
        {
            Add("location = @location", "location", query.Location, NpgsqlDbType.Text);
        }
        if (query.Channel is not null)
        {
            Add("channel = @channel", "channel", query.Channel, NpgsqlDbType.Text);
        }
        // Bounds at microsecond resolution, as stored in started_at (and as the SQLite store compares them).
        if (query.Since is { } since)
        {
            Add("started_at >= @since", "since", PostgresTime.Floor(since), NpgsqlDbType.TimestampTz);
        }
        if (query.Until is { } until)
        {
            Add("started_at < @until", "until", PostgresTime.Floor(until), NpgsqlDbType.TimestampTz);
        }
        if (query.Outcome is not null)
        {
            Add("outcome_status = @outcome", "outcome", query.Outcome, NpgsqlDbType.Text);
        }
        return where.ToString();
    }

    private static RunResult ReadRun(NpgsqlDataReader reader, string runId)
    {
        string statsJson = reader.GetString(23);
        return new RunResult
        {
            Schema = reader.GetString(0),
            RunId = runId,
            ToolVersion = reader.GetString(1),
            Platform = reader.GetString(2),
            Channel = reader.GetString(3),
            TransportMode = NullableString(reader, 4),
            Location = NullableString(reader, 5),
            Latitude = NullableDouble(reader, 6),
            Longitude = NullableDouble(reader, 7),
            AgentLocation = NullableString(reader, 8),
            RunnerHost = NullableString(reader, 9),
            StartedAt = ReadTime(reader, 10),
            EndedAt = ReadTime(reader, 12),
            Config = new RunConfigRecord
            {
                Count = reader.GetInt32(14),
                IntervalMs = reader.GetDouble(15),
                Warmup = reader.GetInt32(16),
                DeadlineMs = reader.GetDouble(17),
                PayloadBytes = reader.GetInt32(18),
                Schedule = reader.GetString(19),
                Seed = reader.IsDBNull(20) ? null : reader.GetInt32(20),
            },
            Outcome = new RunOutcome
            {
                Status = reader.GetString(21),
                Reason = NullableString(reader, 22),
                Detail = NullableString(reader, 30),
                NoticedAt = reader.IsDBNull(31) ? null : reader.GetFieldValue<DateTimeOffset>(31),
            },
            Stats = JsonSerializer.Deserialize<RunStatistics>(statsJson, ResultJson.Options)
                ?? throw new InvalidOperationException($"Run {runId} has null statistics."),
            Path = reader.IsDBNull(24) ? null : JsonSerializer.Deserialize<PathInfo>(reader.GetString(24), ResultJson.Options),
            Histogram = new HistogramRecord
            {
                Encoding = reader.GetString(25),
                Unit = reader.GetString(26),
                RelativeAccuracy = reader.GetDouble(27),
                Count = reader.GetInt64(28),
                Data = Convert.ToBase64String(reader.GetFieldValue<byte[]>(29)),
            },
            Pings = [],
        };
    }

    private static async Task<IReadOnlyList<PingResult>> ReadPingsAsync(
        NpgsqlConnection connection, string runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectPingsSql, connection);
        AddId(command, runId);
        var pings = new List<PingResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pings.Add(new PingResult
            {
                Seq = reader.GetInt64(0),
                Status = reader.GetString(1),
                ScheduledAt = reader.GetFieldValue<DateTimeOffset>(2),
                SentAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                SendDelayUs = NullableDouble(reader, 4),
                RttUs = NullableDouble(reader, 5),
                NetRttUs = NullableDouble(reader, 6),
            });
        }
        return pings;
    }

    private static void AddId(NpgsqlCommand command, string runId) =>
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", NpgsqlDbType.Uuid) { TypedValue = PostgresRunId.ToGuid(runId) });

    /// <summary>A run time: the timestamptz at <paramref name="ordinal"/> plus the ticks column after it.</summary>
    internal static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) =>
        PostgresTime.Join(reader.GetFieldValue<DateTimeOffset>(ordinal), reader.GetInt16(ordinal + 1));

    internal static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static double? NullableDouble(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}

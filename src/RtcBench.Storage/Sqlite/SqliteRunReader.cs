using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Sqlite;

/// <summary>Reads runs, pings and run lists back into the result model.</summary>
internal static class SqliteRunReader
{
    private const string SelectRunSql =
        "SELECT schema, tool_version, platform, channel, transport_mode, location, latitude, longitude, "
        + "agent_location, runner_host, started_at_utc, ended_at_utc, count, interval_ms, warmup, deadline_ms, "
        + "payload_bytes, schedule, seed, outcome_status, outcome_reason, stats_json, path_json, "
        + "histogram_encoding, histogram_unit, histogram_relative_accuracy, histogram_count, histogram, "
        + "outcome_detail, outcome_noticed_at "
        + "FROM runs WHERE id = @id;";

    private const string SelectPingsSql =
        "SELECT seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us "
        + "FROM pings WHERE run_id = @id ORDER BY seq;";

    internal const string SummaryColumns =
        "id, platform, channel, transport_mode, location, started_at_utc, ended_at_utc, outcome_status, "
        + "sent, ok, lost, late, loss_rate, rtt_p50_us, rtt_p95_us, rtt_p99_us";

    public static async Task<RunResult?> GetRunAsync(
        SqliteConnection connection, string runId, bool includePings, CancellationToken cancellationToken)
    {
        RunResult run;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = SelectRunSql;
            command.Parameters.AddWithValue("@id", runId);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            run = ReadRun(reader, runId);
        }
        return includePings ? run with { Pings = await ReadPingsAsync(connection, runId, cancellationToken) } : run;
    }

    public static async Task<RunPage> ListRunsAsync(
        SqliteConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        using var count = connection.CreateCommand();
        using var select = connection.CreateCommand();
        string where = BuildWhere(query, count.Parameters, select.Parameters);
        count.CommandText = "SELECT COUNT(*) FROM runs" + where + ";";
        select.CommandText =
            $"SELECT {SummaryColumns} FROM runs{where} ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset;";
        select.Parameters.AddWithValue("@limit", query.Limit);
        select.Parameters.AddWithValue("@offset", query.Offset);

        long total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var items = new List<RunSummary>(Math.Min(query.Limit, 64));
        using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(reader));
        }
        return new RunPage { Items = items, Total = total };
    }

    /// <summary>A <see cref="RunSummary"/> from a row of <see cref="SummaryColumns"/>.</summary>
    internal static RunSummary ReadSummary(SqliteDataReader reader) =>
        new RunSummary
        {
            RunId = reader.GetString(0),
            Platform = reader.GetString(1),
            Channel = reader.GetString(2),
            TransportMode = NullableString(reader, 3),
            Location = NullableString(reader, 4),
            StartedAt = UnixMicros.FromText(reader.GetString(5)),
            EndedAt = UnixMicros.FromText(reader.GetString(6)),
            OutcomeStatus = reader.GetString(7),
            Sent = reader.GetInt32(8),
            Ok = reader.GetInt32(9),
            Lost = reader.GetInt32(10),
            Late = reader.GetInt32(11),
            LossRate = reader.GetDouble(12),
            RttP50Us = NullableDouble(reader, 13),
            RttP95Us = NullableDouble(reader, 14),
            RttP99Us = NullableDouble(reader, 15),
        };

    /// <summary>Builds the WHERE clause and adds the same parameters to both commands.</summary>
    private static string BuildWhere(RunQuery query, SqliteParameterCollection first, SqliteParameterCollection second)
    {
        var where = new StringBuilder();
        void Add(string condition, string name, object value)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(condition);
            first.AddWithValue(name, value);
            second.AddWithValue(name, value);
        }
        if (query.Platform is not null)
        {
            Add("platform = @platform", "@platform", query.Platform);
        }
        if (query.Location is not null)
        {
            Add("location = @location", "@location", query.Location);
        }
        if (query.Channel is not null)
        {
            Add("channel = @channel", "@channel", query.Channel);
        }
        if (query.Since is { } since)
        {
            Add("started_at >= @since", "@since", UnixMicros.Floor(since));
        }
        if (query.Until is { } until)
        {
            Add("started_at < @until", "@until", UnixMicros.Floor(until));
        }
        if (query.Outcome is not null)
        {
            Add("outcome_status = @outcome", "@outcome", query.Outcome);
        }
        return where.ToString();
    }

    private static RunResult ReadRun(SqliteDataReader reader, string runId)
    {
        string statsJson = reader.GetString(21);
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
            StartedAt = UnixMicros.FromText(reader.GetString(10)),
            EndedAt = UnixMicros.FromText(reader.GetString(11)),
            Config = new RunConfigRecord
            {
                Count = reader.GetInt32(12),
                IntervalMs = reader.GetDouble(13),
                Warmup = reader.GetInt32(14),
                DeadlineMs = reader.GetDouble(15),
                PayloadBytes = reader.GetInt32(16),
                Schedule = reader.GetString(17),
                Seed = reader.IsDBNull(18) ? null : reader.GetInt32(18),
            },
            Outcome = new RunOutcome
            {
                Status = reader.GetString(19),
                Reason = NullableString(reader, 20),
                Detail = NullableString(reader, 28),
                NoticedAt = reader.IsDBNull(29) ? null : UnixMicros.ToTime(reader.GetInt64(29)),
            },
            Stats = JsonSerializer.Deserialize<RunStatistics>(statsJson, ResultJson.Options)
                ?? throw new InvalidOperationException($"Run {runId} has null statistics."),
            Path = reader.IsDBNull(22) ? null : JsonSerializer.Deserialize<PathInfo>(reader.GetString(22), ResultJson.Options),
            Histogram = new HistogramRecord
            {
                Encoding = reader.GetString(23),
                Unit = reader.GetString(24),
                RelativeAccuracy = reader.GetDouble(25),
                Count = reader.GetInt64(26),
                Data = Convert.ToBase64String((byte[])reader.GetValue(27)),
            },
            Pings = [],
        };
    }

    private static async Task<IReadOnlyList<PingResult>> ReadPingsAsync(
        SqliteConnection connection, string runId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SelectPingsSql;
        command.Parameters.AddWithValue("@id", runId);
        var pings = new List<PingResult>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // Microsoft.Data.Sqlite reads synchronously; Read() avoids a Task per row.
        while (reader.Read())
        {
            pings.Add(new PingResult
            {
                Seq = reader.GetInt64(0),
                Status = reader.GetString(1),
                ScheduledAt = UnixMicros.ToTime(reader.GetInt64(2)),
                SentAt = reader.IsDBNull(3) ? null : UnixMicros.ToTime(reader.GetInt64(3)),
                SendDelayUs = NullableDouble(reader, 4),
                RttUs = NullableDouble(reader, 5),
                NetRttUs = NullableDouble(reader, 6),
            });
            if ((pings.Count & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        return pings;
    }

    internal static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static double? NullableDouble(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}

using System.Data.Common;
using System.Text;
using System.Text.Json;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Ado;

/// <summary>Reads runs, pings and run lists back into the result model; both databases, columns by name.</summary>
internal static class RunReader
{
    private const string PingColumns = "seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us";

    private static string RunColumns(StoreDialect d) =>
        "schema, tool_version, platform, channel, transport_mode, location, latitude, longitude, agent_location, runner_host, "
        + $"{d.ExactTimeSelect("started_at")}, {d.ExactTimeSelect("ended_at")}, count, interval_ms, warmup, deadline_ms, "
        + $"payload_bytes, schedule, seed, outcome_status, outcome_reason, outcome_detail, outcome_noticed_at, {d.JsonSelect}, "
        + "histogram_encoding, histogram_unit, histogram_relative_accuracy, histogram_count, histogram";

    /// <summary>The select list <see cref="ReadSummary"/> reads.</summary>
    internal static string SummaryColumns(StoreDialect d) =>
        $"id, platform, channel, transport_mode, location, {d.ExactTimeSelect("started_at")}, {d.ExactTimeSelect("ended_at")}, "
        + "outcome_status, sent, ok, lost, late, loss_rate, rtt_p50_us, rtt_p95_us, rtt_p99_us, pings_pruned_at";

    public static async Task<RunResult?> GetRunAsync(
        StoreDialect dialect, DbConnection connection, string runId, bool includePings, CancellationToken cancellationToken)
    {
        RunResult run;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {RunColumns(dialect)} FROM runs WHERE id = @id;";
            AddId(dialect, command, runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            run = ReadRun(dialect, reader, runId);
        }
        return includePings ? run with { Pings = await ReadPingsAsync(dialect, connection, runId, cancellationToken) } : run;
    }

    /// <summary>The page and the total; the caller runs this in one read snapshot so they agree.</summary>
    public static async Task<RunPage> ListRunsAsync(
        StoreDialect dialect, DbConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand();
        await using var select = connection.CreateCommand();
        string where = BuildWhere(dialect, query, count, select);
        count.CommandText = "SELECT COUNT(*) FROM runs" + where + ";";
        select.CommandText =
            $"SELECT {SummaryColumns(dialect)} FROM runs{where} ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset;";
        dialect.Add(select, "limit", DbKind.Integer, query.Limit);
        dialect.Add(select, "offset", DbKind.Integer, query.Offset);

        long total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var items = new List<RunSummary>(Math.Min(query.Limit, 64));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadSummary(dialect, reader));
        }
        return new RunPage { Items = items, Total = total };
    }

    /// <summary>A <see cref="RunSummary"/> from a row of <see cref="SummaryColumns"/>.</summary>
    internal static RunSummary ReadSummary(StoreDialect dialect, DbDataReader reader) =>
        new()
        {
            RunId = dialect.ReadId(reader, reader.GetOrdinal("id")),
            Platform = reader.Text("platform"),
            Channel = reader.Text("channel"),
            TransportMode = reader.NullableText("transport_mode"),
            Location = reader.NullableText("location"),
            StartedAt = dialect.ReadExactTime(reader, "started_at"),
            EndedAt = dialect.ReadExactTime(reader, "ended_at"),
            OutcomeStatus = reader.Text("outcome_status"),
            Sent = reader.Int32("sent"),
            Ok = reader.Int32("ok"),
            Lost = reader.Int32("lost"),
            Late = reader.Int32("late"),
            LossRate = reader.Double("loss_rate"),
            RttP50Us = reader.NullableDouble("rtt_p50_us"),
            RttP95Us = reader.NullableDouble("rtt_p95_us"),
            RttP99Us = reader.NullableDouble("rtt_p99_us"),
            PingsPrunedAt = reader.IsDBNull(reader.GetOrdinal("pings_pruned_at"))
                ? null
                : dialect.ReadMicros(reader, reader.GetOrdinal("pings_pruned_at")),
        };

    internal static void AddId(StoreDialect dialect, DbCommand command, string runId)
    {
        var (value, kind) = dialect.Id(runId);
        dialect.Add(command, "id", kind, value);
    }

    /// <summary>Builds the WHERE clause and adds the same parameters to both commands.</summary>
    private static string BuildWhere(StoreDialect dialect, RunQuery query, DbCommand first, DbCommand second)
    {
        var where = new StringBuilder();
        void Add(string condition, string name, DbKind kind, object value)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(condition);
            dialect.Add(first, name, kind, value);
            dialect.Add(second, name, kind, value);
        }
        if (query.Platform is not null)
        {
            Add("platform = @platform", "platform", DbKind.Text, query.Platform);
        }
        if (query.Location is not null)
        {
            Add("location = @location", "location", DbKind.Text, query.Location);
        }
        if (query.Channel is not null)
        {
            Add("channel = @channel", "channel", DbKind.Text, query.Channel);
        }
        // Bounds at microsecond resolution, as stored in started_at.
        if (query.Since is { } since)
        {
            var (value, kind) = dialect.Micros(since);
            Add("started_at >= @since", "since", kind, value);
        }
        if (query.Until is { } until)
        {
            var (value, kind) = dialect.Micros(until);
            Add("started_at < @until", "until", kind, value);
        }
        if (query.Outcome is not null)
        {
            Add("outcome_status = @outcome", "outcome", DbKind.Text, query.Outcome);
        }
        return where.ToString();
    }

    private static RunResult ReadRun(StoreDialect dialect, DbDataReader reader, string runId)
    {
        string statsJson = reader.Text("stats_json");
        string? pathJson = reader.NullableText("path_json");
        int noticed = reader.GetOrdinal("outcome_noticed_at");
        return new RunResult
        {
            Schema = reader.Text("schema"),
            RunId = runId,
            ToolVersion = reader.Text("tool_version"),
            Platform = reader.Text("platform"),
            Channel = reader.Text("channel"),
            TransportMode = reader.NullableText("transport_mode"),
            Location = reader.NullableText("location"),
            Latitude = reader.NullableDouble("latitude"),
            Longitude = reader.NullableDouble("longitude"),
            AgentLocation = reader.NullableText("agent_location"),
            RunnerHost = reader.NullableText("runner_host"),
            StartedAt = dialect.ReadExactTime(reader, "started_at"),
            EndedAt = dialect.ReadExactTime(reader, "ended_at"),
            Config = new RunConfigRecord
            {
                Count = reader.Int32("count"),
                IntervalMs = reader.Double("interval_ms"),
                Warmup = reader.Int32("warmup"),
                DeadlineMs = reader.Double("deadline_ms"),
                PayloadBytes = reader.Int32("payload_bytes"),
                Schedule = reader.Text("schedule"),
                Seed = reader.NullableInt32("seed"),
            },
            Outcome = new RunOutcome
            {
                Status = reader.Text("outcome_status"),
                Reason = reader.NullableText("outcome_reason"),
                Detail = reader.NullableText("outcome_detail"),
                NoticedAt = reader.IsDBNull(noticed) ? null : dialect.ReadMicros(reader, noticed),
            },
            Stats = JsonSerializer.Deserialize<RunStatistics>(statsJson, ResultJson.Options)
                ?? throw new InvalidOperationException($"Run {runId} has null statistics."),
            Path = pathJson is null ? null : JsonSerializer.Deserialize<PathInfo>(pathJson, ResultJson.Options),
            Histogram = new HistogramRecord
            {
                Encoding = reader.Text("histogram_encoding"),
                Unit = reader.Text("histogram_unit"),
                RelativeAccuracy = reader.Double("histogram_relative_accuracy"),
                Count = reader.Int64("histogram_count"),
                Data = Convert.ToBase64String(reader.Bytes("histogram")),
            },
            Pings = [],
        };
    }

    private static async Task<IReadOnlyList<PingResult>> ReadPingsAsync(
        StoreDialect dialect, DbConnection connection, string runId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PingColumns} FROM pings WHERE run_id = @id ORDER BY seq;";
        AddId(dialect, command, runId);
        var pings = new List<PingResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int seq = reader.GetOrdinal("seq"), status = reader.GetOrdinal("status"), scheduled = reader.GetOrdinal("scheduled_at");
        int sent = reader.GetOrdinal("sent_at"), delay = reader.GetOrdinal("send_delay_us"), rtt = reader.GetOrdinal("rtt_us");
        int netRtt = reader.GetOrdinal("net_rtt_us");
        while (await reader.ReadAsync(cancellationToken))
        {
            pings.Add(new PingResult
            {
                Seq = reader.GetInt64(seq),
                Status = reader.GetString(status),
                ScheduledAt = dialect.ReadMicros(reader, scheduled),
                SentAt = reader.IsDBNull(sent) ? null : dialect.ReadMicros(reader, sent),
                SendDelayUs = reader.NullableDouble(delay),
                RttUs = reader.NullableDouble(rtt),
                NetRttUs = reader.NullableDouble(netRtt),
            });
        }
        return pings;
    }
}

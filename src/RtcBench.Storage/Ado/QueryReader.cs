using System.Data.Common;
using System.Text;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Ado;

/// <summary>The aggregate queries: per-run aggregates, ok pings, locations, latest runs; both databases, by name.</summary>
internal static class QueryReader
{
    public static async Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        string where = BuildWhere(dialect, filter, command, "");
        command.CommandText =
            $"SELECT id, platform, location, channel, {dialect.ExactTimeSelect("started_at")}, sent, ok, lost, late, rtt_mean_us, "
            + $"{dialect.MeanAbsDeltaSelect}, histogram_encoding, histogram FROM runs{where} ORDER BY started_at, id;";
        var rows = new List<RunAggregate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int id = reader.GetOrdinal("id"), platform = reader.GetOrdinal("platform"), location = reader.GetOrdinal("location");
        int channel = reader.GetOrdinal("channel"), sent = reader.GetOrdinal("sent"), ok = reader.GetOrdinal("ok");
        int lost = reader.GetOrdinal("lost"), late = reader.GetOrdinal("late"), mean = reader.GetOrdinal("rtt_mean_us");
        int jitter = reader.GetOrdinal("mean_abs_delta_rtt_us"), encoding = reader.GetOrdinal("histogram_encoding");
        int histogram = reader.GetOrdinal("histogram");
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new RunAggregate
            {
                RunId = dialect.ReadId(reader, id),
                Platform = reader.GetString(platform),
                Location = reader.NullableText(location),
                Channel = reader.GetString(channel),
                StartedAt = dialect.ReadExactTime(reader, "started_at"),
                Sent = reader.GetInt32(sent),
                Ok = reader.GetInt32(ok),
                Lost = reader.GetInt32(lost),
                Late = reader.GetInt32(late),
                RttMeanUs = reader.NullableDouble(mean),
                MeanAbsDeltaRttUs = reader.NullableDouble(jitter),
                HistogramEncoding = reader.GetString(encoding),
                Histogram = reader.GetFieldValue<byte[]>(histogram),
            });
        }
        return rows;
    }

    /// <summary>
    /// Two statements in one read snapshot: the matching runs, then their ok pings joined on the run and ordered by
    /// (run key, seq), so each run's pings arrive together; a run is found by its key without a string per ping.
    /// </summary>
    public static async Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        var runs = new List<RunPings>();
        var byKey = dialect.NewRunKeyIndex();
        await using (var command = connection.CreateCommand())
        {
            string where = BuildWhere(dialect, filter, command, "");
            command.CommandText =
                $"SELECT {dialect.RunKeyColumn} AS run_key, id, platform, location, channel, {dialect.ExactTimeSelect("started_at")}, "
                + $"sent, lost, ok FROM runs{where} ORDER BY started_at, id;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            int key = reader.GetOrdinal("run_key"), id = reader.GetOrdinal("id");
            while (await reader.ReadAsync(cancellationToken))
            {
                byKey.Add(reader, key, runs.Count);
                int ok = reader.Int32("ok");
                runs.Add(new RunPings
                {
                    RunId = dialect.ReadId(reader, id),
                    Platform = reader.Text("platform"),
                    Location = reader.NullableText("location"),
                    Channel = reader.Text("channel"),
                    StartedAt = dialect.ReadExactTime(reader, "started_at"),
                    Sent = reader.Int32("sent"),
                    Lost = reader.Int32("lost"),
                    ScheduledAtUnixUs = new long[ok],
                    RttUs = new double[ok],
                });
            }
        }
        if (runs.Count == 0)
        {
            return runs;
        }
        var filled = new int[runs.Count];
        await using (var command = connection.CreateCommand())
        {
            string where = BuildWhere(dialect, filter, command, "r.");
            command.CommandText =
                $"SELECT r.{dialect.RunKeyColumn} AS run_key, {dialect.UnixMicrosOf("p.scheduled_at")} AS scheduled_us, p.rtt_us "
                + "FROM runs r JOIN pings p ON p.run_id = r.id" + dialect.PingRunJoinExtra
                + (where.Length == 0 ? " WHERE" : where + " AND")
                + $" p.status = 'ok' AND p.rtt_us IS NOT NULL ORDER BY r.{dialect.RunKeyColumn}, p.seq;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            int key = reader.GetOrdinal("run_key"), scheduled = reader.GetOrdinal("scheduled_us"), rtt = reader.GetOrdinal("rtt_us");
            long n = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                RunPingsBuffer.Append(runs, filled, byKey.Find(reader, key), reader.GetInt64(scheduled), reader.GetDouble(rtt));
                if ((++n & 65535) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        return RunPingsBuffer.Trim(runs, filled);
    }

    public static async Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(
        StoreDialect dialect, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT location, platform, COUNT(*) AS runs, MIN(started_at) AS first_started_at, MAX(started_at) AS last_started_at "
            + $"FROM runs GROUP BY location, platform ORDER BY {dialect.NullsLast("location")}, platform;";
        var rows = new List<LocationSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LocationSummary
            {
                Location = reader.NullableText("location"),
                Platform = reader.Text("platform"),
                Runs = reader.Int64("runs"),
                FirstStartedAt = dialect.ReadMicros(reader, reader.GetOrdinal("first_started_at")),
                LastStartedAt = dialect.ReadMicros(reader, reader.GetOrdinal("last_started_at")),
            });
        }
        return rows;
    }

    public static async Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(
        StoreDialect dialect, DbConnection connection, string? channel, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        string where = "";
        if (channel is not null)
        {
            where = " WHERE channel = @channel";
            dialect.Add(command, "channel", DbKind.Text, channel);
        }
        command.CommandText =
            $"SELECT {RunReader.SummaryColumns(dialect)} FROM (SELECT *, ROW_NUMBER() OVER ("
            + "PARTITION BY platform, location ORDER BY started_at DESC, id DESC) AS rn FROM runs" + where + ") latest "
            + $"WHERE rn = 1 ORDER BY platform, {dialect.NullsLast("location")};";
        var rows = new List<RunSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(RunReader.ReadSummary(dialect, reader));
        }
        return rows;
    }

    internal static string BuildWhere(StoreDialect dialect, AggregateFilter filter, DbCommand command, string prefix)
    {
        var where = new StringBuilder();
        void Add(string column, string op, string name, DbKind kind, object value)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(prefix).Append(column).Append(op).Append('@').Append(name);
            dialect.Add(command, name, kind, value);
        }
        if (filter.Platform is not null)
        {
            Add("platform", " = ", "platform", DbKind.Text, filter.Platform);
        }
        if (filter.Location is not null)
        {
            Add("location", " = ", "location", DbKind.Text, filter.Location);
        }
        if (filter.Channel is not null)
        {
            Add("channel", " = ", "channel", DbKind.Text, filter.Channel);
        }
        if (filter.Since is { } since)
        {
            var (value, kind) = dialect.Micros(since);
            Add("started_at", " >= ", "since", kind, value);
        }
        if (filter.Until is { } until)
        {
            var (value, kind) = dialect.Micros(until);
            Add("started_at", " < ", "until", kind, value);
        }
        return where.ToString();
    }
}

using System.Text;
using Microsoft.Data.Sqlite;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Sqlite;

/// <summary>The aggregate queries of <see cref="SqliteResultStore"/>: per-run aggregates, ok pings, locations, latest runs.</summary>
internal static class SqliteQueryReader
{
    private const string AggregateColumns =
        "id, platform, location, channel, started_at_utc, sent, ok, lost, late, rtt_mean_us, "
        + "json_extract(stats_json, '$.mean_abs_delta_rtt_us'), histogram_encoding, histogram";

    public static async Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(
        SqliteConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        string where = BuildWhere(filter, command.Parameters, "");
        command.CommandText = $"SELECT {AggregateColumns} FROM runs{where} ORDER BY started_at, id;";
        var rows = new List<RunAggregate>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            rows.Add(new RunAggregate
            {
                RunId = reader.GetString(0),
                Platform = reader.GetString(1),
                Location = SqliteRunReader.NullableString(reader, 2),
                Channel = reader.GetString(3),
                StartedAt = UnixMicros.FromText(reader.GetString(4)),
                Sent = reader.GetInt32(5),
                Ok = reader.GetInt32(6),
                Lost = reader.GetInt32(7),
                Late = reader.GetInt32(8),
                RttMeanUs = SqliteRunReader.NullableDouble(reader, 9),
                MeanAbsDeltaRttUs = SqliteRunReader.NullableDouble(reader, 10),
                HistogramEncoding = reader.GetString(11),
                Histogram = (byte[])reader.GetValue(12),
            });
        }
        return rows;
    }

    /// <summary>
    /// Two statements in one read snapshot: the matching runs (by rowid), then their ok pings joined on the run
    /// key and ordered by (run, seq), so each run's pings arrive together without a string per ping.
    /// </summary>
    public static async Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(
        SqliteConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        var runs = new List<RunPings>();
        var byRowId = new Dictionary<long, int>();
        using (var command = connection.CreateCommand())
        {
            string where = BuildWhere(filter, command.Parameters, "");
            command.CommandText =
                $"SELECT rowid, id, platform, location, channel, started_at_utc, sent, lost, ok FROM runs{where} ORDER BY started_at, id;";
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (reader.Read())
            {
                byRowId.Add(reader.GetInt64(0), runs.Count);
                runs.Add(new RunPings
                {
                    RunId = reader.GetString(1),
                    Platform = reader.GetString(2),
                    Location = SqliteRunReader.NullableString(reader, 3),
                    Channel = reader.GetString(4),
                    StartedAt = UnixMicros.FromText(reader.GetString(5)),
                    Sent = reader.GetInt32(6),
                    Lost = reader.GetInt32(7),
                    ScheduledAtUnixUs = new long[reader.GetInt32(8)],
                    RttUs = new double[reader.GetInt32(8)],
                });
            }
        }
        if (runs.Count == 0)
        {
            return runs;
        }
        var filled = new int[runs.Count];
        using (var command = connection.CreateCommand())
        {
            string where = BuildWhere(filter, command.Parameters, "r.");
            command.CommandText =
                "SELECT r.rowid, p.scheduled_at, p.rtt_us FROM runs r JOIN pings p ON p.run_id = r.id"
                + (where.Length == 0 ? " WHERE" : where + " AND")
                + " p.status = 'ok' AND p.rtt_us IS NOT NULL ORDER BY r.rowid, p.seq;";
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long n = 0;
            while (reader.Read())
            {
                int index = byRowId[reader.GetInt64(0)];
                RunPingsBuffer.Append(runs, filled, index, reader.GetInt64(1), reader.GetDouble(2));
                if ((++n & 65535) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        return RunPingsBuffer.Trim(runs, filled);
    }

    public static async Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(
        SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT location, platform, COUNT(*), MIN(started_at), MAX(started_at) FROM runs "
            + "GROUP BY location, platform ORDER BY location IS NULL, location, platform;";
        var rows = new List<LocationSummary>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            rows.Add(new LocationSummary
            {
                Location = SqliteRunReader.NullableString(reader, 0),
                Platform = reader.GetString(1),
                Runs = reader.GetInt64(2),
                FirstStartedAt = UnixMicros.ToTime(reader.GetInt64(3)),
                LastStartedAt = UnixMicros.ToTime(reader.GetInt64(4)),
            });
        }
        return rows;
    }

    public static async Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(
        SqliteConnection connection, string? channel, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        string where = "";
        if (channel is not null)
        {
            where = " WHERE channel = @channel";
            command.Parameters.AddWithValue("@channel", channel);
        }
        command.CommandText =
            $"SELECT {SqliteRunReader.SummaryColumns} FROM (SELECT *, ROW_NUMBER() OVER ("
            + "PARTITION BY platform, location ORDER BY started_at DESC, id DESC) AS rn FROM runs" + where + ") "
            + "WHERE rn = 1 ORDER BY platform, location IS NULL, location;";
        var rows = new List<RunSummary>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            rows.Add(SqliteRunReader.ReadSummary(reader));
        }
        return rows;
    }

    private static string BuildWhere(AggregateFilter filter, SqliteParameterCollection parameters, string prefix)
    {
        var where = new StringBuilder();
        void Add(string column, string op, string name, object value)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(prefix).Append(column).Append(op).Append(name);
            parameters.AddWithValue(name, value);
        }
        if (filter.Platform is not null)
        {
            Add("platform", " = ", "@platform", filter.Platform);
        }
        if (filter.Location is not null)
        {
            Add("location", " = ", "@location", filter.Location);
        }
        if (filter.Channel is not null)
        {
            Add("channel", " = ", "@channel", filter.Channel);
        }
        if (filter.Since is { } since)
        {
            Add("started_at", " >= ", "@since", UnixMicros.Floor(since));
        }
        if (filter.Until is { } until)
        {
            Add("started_at", " < ", "@until", UnixMicros.Floor(until));
        }
        return where.ToString();
    }
}

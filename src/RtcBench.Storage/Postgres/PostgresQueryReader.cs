using System.Text;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Postgres;

/// <summary>The aggregate queries of <see cref="PostgresResultStore"/>; the caller runs each in one repeatable-read snapshot.</summary>
internal static class PostgresQueryReader
{
    private const string AggregateColumns =
        "id, platform, location, channel, started_at, started_at_ticks, sent, ok, lost, late, rtt_mean_us, "
        + "(stats->>'mean_abs_delta_rtt_us')::double precision, histogram_encoding, histogram";

    public static async Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(
        NpgsqlConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        string where = BuildWhere(filter, command.Parameters, "");
        command.CommandText = $"SELECT {AggregateColumns} FROM runs{where} ORDER BY started_at, id;";
        var rows = new List<RunAggregate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new RunAggregate
            {
                RunId = PostgresRunId.FromGuid(reader.GetGuid(0)),
                Platform = reader.GetString(1),
                Location = PostgresRunReader.NullableString(reader, 2),
                Channel = reader.GetString(3),
                StartedAt = PostgresRunReader.ReadTime(reader, 4),
                Sent = reader.GetInt32(6),
                Ok = reader.GetInt32(7),
                Lost = reader.GetInt32(8),
                Late = reader.GetInt32(9),
                RttMeanUs = PostgresRunReader.NullableDouble(reader, 10),
                MeanAbsDeltaRttUs = PostgresRunReader.NullableDouble(reader, 11),
                HistogramEncoding = reader.GetString(12),
                Histogram = reader.GetFieldValue<byte[]>(13),
            });
        }
        return rows;
    }

    /// <summary>The matching runs, then their ok pings joined on the run id and ordered by (run, seq).</summary>
    public static async Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(
        NpgsqlConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        var runs = new List<RunPings>();
        var byId = new Dictionary<Guid, int>();
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            string where = BuildWhere(filter, command.Parameters, "");
            command.CommandText =
                "SELECT id, platform, location, channel, started_at, started_at_ticks, sent, lost, ok FROM runs"
                + where + " ORDER BY started_at, id;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Guid id = reader.GetGuid(0);
                byId.Add(id, runs.Count);
                runs.Add(new RunPings
                {
                    RunId = PostgresRunId.FromGuid(id),
                    Platform = reader.GetString(1),
                    Location = PostgresRunReader.NullableString(reader, 2),
                    Channel = reader.GetString(3),
                    StartedAt = PostgresRunReader.ReadTime(reader, 4),
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
        await using (var command = new NpgsqlCommand { Connection = connection })
        {
            string where = BuildWhere(filter, command.Parameters, "r.");
            command.CommandText =
                "SELECT p.run_id, (extract(epoch FROM p.scheduled_at) * 1000000)::bigint, p.rtt_us "
                + "FROM runs r JOIN pings p ON p.run_id = r.id"
                + (where.Length == 0 ? " WHERE" : where + " AND")
                + " p.status = 'ok' AND p.rtt_us IS NOT NULL ORDER BY p.run_id, p.seq;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                RunPingsBuffer.Append(runs, filled, byId[reader.GetGuid(0)], reader.GetInt64(1), reader.GetDouble(2));
            }
        }
        return RunPingsBuffer.Trim(runs, filled);
    }

    public static async Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT location, platform, COUNT(*), MIN(started_at), MAX(started_at) FROM runs "
            + "GROUP BY location, platform ORDER BY location NULLS LAST, platform;",
            connection);
        var rows = new List<LocationSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LocationSummary
            {
                Location = PostgresRunReader.NullableString(reader, 0),
                Platform = reader.GetString(1),
                Runs = reader.GetInt64(2),
                FirstStartedAt = reader.GetFieldValue<DateTimeOffset>(3),
                LastStartedAt = reader.GetFieldValue<DateTimeOffset>(4),
            });
        }
        return rows;
    }

    public static async Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(
        NpgsqlConnection connection, string? channel, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        string where = "";
        if (channel is not null)
        {
            where = " WHERE channel = @channel";
            command.Parameters.Add(new NpgsqlParameter("channel", NpgsqlDbType.Text) { Value = channel });
        }
        command.CommandText =
            $"SELECT {PostgresRunReader.SummaryColumns} FROM (SELECT *, ROW_NUMBER() OVER ("
            + "PARTITION BY platform, location ORDER BY started_at DESC, id DESC) AS rn FROM runs"
            + where + ") latest WHERE rn = 1 ORDER BY platform, location NULLS LAST;";
        var rows = new List<RunSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(PostgresRunReader.ReadSummary(reader));
        }
        return rows;
    }

    private static string BuildWhere(AggregateFilter filter, NpgsqlParameterCollection parameters, string prefix)
    {
        var where = new StringBuilder();
        void Add(string column, string op, string name, object value, NpgsqlDbType type)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(prefix).Append(column).Append(op).Append('@').Append(name);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        }
        if (filter.Platform is not null)
        {
            Add("platform", " = ", "platform", filter.Platform, NpgsqlDbType.Text);
        }
        if (filter.Location is not null)
        {
            Add("location", " = ", "location", filter.Location, NpgsqlDbType.Text);
        }
        if (filter.Channel is not null)
        {
            Add("channel", " = ", "channel", filter.Channel, NpgsqlDbType.Text);
        }
        if (filter.Since is { } since)
        {
            Add("started_at", " >= ", "since", PostgresTime.Floor(since), NpgsqlDbType.TimestampTz);
        }
        if (filter.Until is { } until)
        {
            Add("started_at", " < ", "until", PostgresTime.Floor(until), NpgsqlDbType.TimestampTz);
        }
        return where.ToString();
    }
}

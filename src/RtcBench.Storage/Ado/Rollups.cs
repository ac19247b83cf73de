using System.Data.Common;
using System.Text;
using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Ado;

/// <summary>
/// The <c>rollups</c> table (migration 0003): kept up to date by every save, in the save's transaction; read by
/// aggregate queries for whole hours and days; rebuilt from runs on demand (and after the migration).
/// </summary>
internal static class Rollups
{
    /// <summary>The schema version that added the table.</summary>
    public const int SchemaVersion = 3;

    public const int HourSeconds = 3600;

    public const int DaySeconds = 86400;

    /// <summary>Grains in the order a save locks their rows (hour, then day), so concurrent saves cannot deadlock.</summary>
    public static readonly int[] Grains = [HourSeconds, DaySeconds];

    private const string SumColumns = "runs, sent, ok, lost, late, mean_count, mean_sum, pairs, jitter_sum, undecodable, histogram";

    private const string KeyCondition =
        "grain_s = @grain AND platform = @platform AND location_key = @location_key AND channel = @channel AND bucket_start = @bucket";

    /// <summary>The NOT NULL key of a location: '0' for none, '1' + the name otherwise.</summary>
    public static string LocationKey(string? location) => location is null ? "0" : "1" + location;

    /// <summary>The start (unix µs) of the <paramref name="grainSeconds"/> bucket holding <paramref name="unixUs"/>.</summary>
    public static long BucketStart(long unixUs, int grainSeconds)
    {
        long size = grainSeconds * 1_000_000L;
        return unixUs - (((unixUs % size) + size) % size);
    }

    /// <summary>Adds a just-inserted run to its hour and day rows (inside the save's transaction).</summary>
    public static async Task AddRunAsync(
        StoreDialect dialect, DbConnection connection, RunResult run, byte[] histogram, CancellationToken cancellationToken)
    {
        var sums = new RollupSums();
        var stats = run.Stats;
        sums.AddRun(stats.Sent, stats.Ok, stats.Lost, stats.Late, stats.Rtt?.MeanUs, stats.MeanAbsDeltaRttUs, histogram);
        long startedUs = UnixMicros.Floor(run.StartedAt);
        foreach (int grain in Grains)
        {
            await MergeAsync(
                dialect, connection, grain, run.Platform, run.Location, run.Channel, BucketStart(startedUs, grain), sums, cancellationToken);
        }
    }

    /// <summary>Adds <paramref name="sums"/> to one rollup row, creating it when missing; the row is locked meanwhile.</summary>
    private static async Task MergeAsync(
        StoreDialect dialect,
        DbConnection connection,
        int grain,
        string platform,
        string? location,
        string channel,
        long bucketUs,
        RollupSums sums,
        CancellationToken cancellationToken)
    {
        // A missing row is created empty first (a concurrent save of the same key waits, then finds it), then read
        // under a row lock, merged in memory (histograms merge bucket by bucket) and written back.
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText =
                $"INSERT INTO rollups (grain_s, platform, location_key, location, channel, bucket_start, {SumColumns}) "
                + "VALUES (@grain, @platform, @location_key, @location, @channel, @bucket, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, @empty) "
                + "ON CONFLICT DO NOTHING;";
            AddKey(dialect, insert, grain, platform, location, channel, bucketUs);
            dialect.Add(insert, "location", DbKind.Text, location);
            dialect.Add(insert, "empty", DbKind.Blob, Array.Empty<byte>());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        var stored = new RollupSums();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT {SumColumns} FROM rollups WHERE {KeyCondition}{dialect.ForUpdate};";
            AddKey(dialect, select, grain, platform, location, channel, bucketUs);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("The rollup row just created is missing.");
            }
            stored = ReadSums(reader);
        }
        stored.Add(sums);
        await using var update = connection.CreateCommand();
        update.CommandText =
            "UPDATE rollups SET runs = @runs, sent = @sent, ok = @ok, lost = @lost, late = @late, mean_count = @mean_count, "
            + $"mean_sum = @mean_sum, pairs = @pairs, jitter_sum = @jitter_sum, undecodable = @undecodable, histogram = @histogram WHERE {KeyCondition};";
        AddKey(dialect, update, grain, platform, location, channel, bucketUs);
        AddSums(dialect, update, stored);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The rollup rows of <paramref name="grainSeconds"/> whose bucket starts in [filter.Since, filter.Until) and
    /// that match the filter's platform, location and channel.
    /// </summary>
    public static async Task<IReadOnlyList<RollupAggregate>> QueryAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, int grainSeconds, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var where = new StringBuilder("grain_s = @grain");
        dialect.Add(command, "grain", DbKind.Integer, grainSeconds);
        if (filter.Platform is not null)
        {
            where.Append(" AND platform = @platform");
            dialect.Add(command, "platform", DbKind.Text, filter.Platform);
        }
        if (filter.Location is not null)
        {
            where.Append(" AND location_key = @location_key");
            dialect.Add(command, "location_key", DbKind.Text, LocationKey(filter.Location));
        }
        if (filter.Channel is not null)
        {
            where.Append(" AND channel = @channel");
            dialect.Add(command, "channel", DbKind.Text, filter.Channel);
        }
        if (filter.Since is { } since)
        {
            where.Append(" AND bucket_start >= @since");
            var (value, kind) = dialect.Micros(since);
            dialect.Add(command, "since", kind, value);
        }
        if (filter.Until is { } until)
        {
            where.Append(" AND bucket_start < @until");
            var (value, kind) = dialect.Micros(until);
            dialect.Add(command, "until", kind, value);
        }
        command.CommandText =
            $"SELECT platform, location, channel, bucket_start, {SumColumns} FROM rollups WHERE {where} "
            + "ORDER BY bucket_start, platform, location_key, channel;";
        var rows = new List<RollupAggregate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int bucket = reader.GetOrdinal("bucket_start");
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new RollupAggregate
            {
                Platform = reader.Text("platform"),
                Location = reader.NullableText("location"),
                Channel = reader.Text("channel"),
                GrainSeconds = grainSeconds,
                BucketStart = dialect.ReadMicros(reader, bucket),
                Sums = ReadSums(reader),
            });
        }
        return rows;
    }

    /// <summary>
    /// Recomputes every rollup row from the runs, a day of runs at a time (days from their hours), inside the
    /// caller's write transaction; returns the number of runs and of rows written.
    /// </summary>
    public static async Task<RollupRebuildReport> RebuildAsync(
        StoreDialect dialect, DbConnection connection, CancellationToken cancellationToken)
    {
        if (dialect.LockRollupsSql.Length > 0)
        {
            await ExecuteAsync(connection, dialect.LockRollupsSql, cancellationToken);
        }
        await ExecuteAsync(connection, "DELETE FROM rollups;", cancellationToken);
        long runs = 0, hourRows = 0, dayRows = 0;
        long? next = await NextRunStartAsync(dialect, connection, null, cancellationToken);
        while (next is { } startUs)
        {
            long dayStart = BucketStart(startUs, DaySeconds);
            long dayEnd = dayStart + DaySeconds * 1_000_000L;
            var hours = new Dictionary<(string Platform, string? Location, string Channel, long Bucket), RollupSums>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText =
                    $"SELECT platform, location, channel, {dialect.UnixMicrosOf("started_at")} AS started_us, sent, ok, lost, late, "
                    + $"rtt_mean_us, {dialect.MeanAbsDeltaSelect}, histogram FROM runs "
                    + "WHERE started_at >= @since AND started_at < @until ORDER BY started_at, id;";
                AddRange(dialect, command, dayStart, dayEnd);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                int platform = reader.GetOrdinal("platform"), location = reader.GetOrdinal("location"), channel = reader.GetOrdinal("channel");
                int started = reader.GetOrdinal("started_us"), sent = reader.GetOrdinal("sent"), ok = reader.GetOrdinal("ok");
                int lost = reader.GetOrdinal("lost"), late = reader.GetOrdinal("late"), mean = reader.GetOrdinal("rtt_mean_us");
                int jitter = reader.GetOrdinal("mean_abs_delta_rtt_us"), histogram = reader.GetOrdinal("histogram");
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = (reader.GetString(platform), reader.NullableText(location), reader.GetString(channel),
                        BucketStart(reader.GetInt64(started), HourSeconds));
                    if (!hours.TryGetValue(key, out var sums))
                    {
                        sums = new RollupSums();
                        hours.Add(key, sums);
                    }
                    sums.AddRun(
                        reader.GetInt32(sent), reader.GetInt32(ok), reader.GetInt32(lost), reader.GetInt32(late),
                        reader.NullableDouble(mean), reader.NullableDouble(jitter), reader.GetFieldValue<byte[]>(histogram));
                    runs++;
                }
            }
            // Days are built from their hours, in hour order, as a save adds to both.
            var days = new Dictionary<(string, string?, string, long), RollupSums>();
            foreach (var (key, sums) in hours.OrderBy(h => h.Key.Bucket))
            {
                await InsertAsync(dialect, connection, HourSeconds, key.Platform, key.Location, key.Channel, key.Bucket, sums, cancellationToken);
                hourRows++;
                var dayKey = (key.Platform, key.Location, key.Channel, dayStart);
                if (!days.TryGetValue(dayKey, out var day))
                {
                    day = new RollupSums();
                    days.Add(dayKey, day);
                }
                day.Add(sums);
            }
            foreach (var ((p, l, c, b), sums) in days)
            {
                await InsertAsync(dialect, connection, DaySeconds, p, l, c, b, sums, cancellationToken);
                dayRows++;
            }
            next = await NextRunStartAsync(dialect, connection, dayEnd, cancellationToken);
        }
        return new RollupRebuildReport(runs, hourRows, dayRows);
    }

    /// <summary>The start (unix µs) of the first run at or after <paramref name="fromUs"/>; null when none.</summary>
    private static async Task<long?> NextRunStartAsync(
        StoreDialect dialect, DbConnection connection, long? fromUs, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {dialect.UnixMicrosOf("MIN(started_at)")} FROM runs"
            + (fromUs is null ? ";" : " WHERE started_at >= @since;");
        if (fromUs is { } from)
        {
            var (value, kind) = dialect.Micros(UnixMicros.ToTime(from));
            dialect.Add(command, "since", kind, value);
        }
        object? result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task InsertAsync(
        StoreDialect dialect,
        DbConnection connection,
        int grain,
        string platform,
        string? location,
        string channel,
        long bucketUs,
        RollupSums sums,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"INSERT INTO rollups (grain_s, platform, location_key, location, channel, bucket_start, {SumColumns}) VALUES "
            + "(@grain, @platform, @location_key, @location, @channel, @bucket, @runs, @sent, @ok, @lost, @late, @mean_count, "
            + "@mean_sum, @pairs, @jitter_sum, @undecodable, @histogram);";
        AddKey(dialect, command, grain, platform, location, channel, bucketUs);
        dialect.Add(command, "location", DbKind.Text, location);
        AddSums(dialect, command, sums);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddRange(StoreDialect dialect, DbCommand command, long sinceUs, long untilUs)
    {
        var (since, kind) = dialect.Micros(UnixMicros.ToTime(sinceUs));
        dialect.Add(command, "since", kind, since);
        dialect.Add(command, "until", kind, dialect.Micros(UnixMicros.ToTime(untilUs)).Value);
    }

    private static void AddKey(
        StoreDialect dialect, DbCommand command, int grain, string platform, string? location, string channel, long bucketUs)
    {
        dialect.Add(command, "grain", DbKind.Integer, grain);
        dialect.Add(command, "platform", DbKind.Text, platform);
        dialect.Add(command, "location_key", DbKind.Text, LocationKey(location));
        dialect.Add(command, "channel", DbKind.Text, channel);
        var (bucket, kind) = dialect.Micros(UnixMicros.ToTime(bucketUs));
        dialect.Add(command, "bucket", kind, bucket);
    }

    private static void AddSums(StoreDialect dialect, DbCommand command, RollupSums sums)
    {
        dialect.Add(command, "runs", DbKind.BigInt, sums.Runs);
        dialect.Add(command, "sent", DbKind.BigInt, sums.Sent);
        dialect.Add(command, "ok", DbKind.BigInt, sums.Ok);
        dialect.Add(command, "lost", DbKind.BigInt, sums.Lost);
        dialect.Add(command, "late", DbKind.BigInt, sums.Late);
        dialect.Add(command, "mean_count", DbKind.BigInt, sums.MeanCount);
        dialect.Add(command, "mean_sum", DbKind.Double, sums.MeanSum);
        dialect.Add(command, "pairs", DbKind.BigInt, sums.Pairs);
        dialect.Add(command, "jitter_sum", DbKind.Double, sums.JitterSum);
        dialect.Add(command, "undecodable", DbKind.BigInt, sums.Undecodable);
        dialect.Add(command, "histogram", DbKind.Blob, sums.SerializeHistogram());
    }

    private static RollupSums ReadSums(DbDataReader reader) =>
        RollupSums.FromStored(
            reader.Int64("runs"), reader.Int64("sent"), reader.Int64("ok"), reader.Int64("lost"), reader.Int64("late"),
            reader.Int64("mean_count"), reader.Double("mean_sum"), reader.Int64("pairs"), reader.Double("jitter_sum"),
            reader.Int64("undecodable"), reader.Bytes("histogram"));

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

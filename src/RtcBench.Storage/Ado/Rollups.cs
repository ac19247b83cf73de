using System.Data.Common;
using System.Text;
using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Ado;

/// <summary>
/// The <c>rollups</c> table (migrations 0003, 0005, 0008) and <c>rollups_all_locations</c> (0009, the same rows
/// pre-merged across locations): kept up to date by every save, in the save's transaction; read by aggregate queries
/// for whole hours, six hours, days, weeks and four weeks; rebuilt from runs on demand (and after the migration).
/// </summary>
internal static class Rollups
{
    /// <summary>The schema version that added the table.</summary>
    public const int SchemaVersion = 3;

    public const int HourSeconds = 3600;

    /// <summary>Six hours from 00:00, 06:00, 12:00 or 18:00 UTC (added by migration 0008).</summary>
    public const int SixHourSeconds = 21600;

    public const int DaySeconds = 86400;

    /// <summary>Seven days from a Thursday 00:00 UTC (weeks are aligned to the unix epoch, as result buckets are).</summary>
    public const int WeekSeconds = 604800;

    /// <summary>
    /// 28 days from a Thursday 00:00 UTC, aligned to the unix epoch (1970-01-01 starts one): four whole weeks, so a
    /// year is ~13 rows per series (added by migration 0008).
    /// </summary>
    public const int FourWeekSeconds = 2419200;

    /// <summary>The schema version that added the weekly rows (migration 0005: the store rebuilds the rollups).</summary>
    public const int WeekSchemaVersion = 5;

    /// <summary>
    /// The schema version that added the six-hour and four-week rows (migration 0008: the store fills them from the
    /// hourly and weekly rows in the migration's transaction).
    /// </summary>
    public const int FourWeekSchemaVersion = 8;

    /// <summary>
    /// The schema version that added the rows pre-merged across locations (migration 0009: the store fills them from
    /// the rows of <c>rollups</c> in the migration's transaction).
    /// </summary>
    public const int AllLocationsSchemaVersion = 9;

    /// <summary>The table of the rows pre-merged across locations: one per grain × platform × channel × bucket.</summary>
    public const string AllLocationsTable = "rollups_all_locations";

    /// <summary>
    /// Grains in the order a save locks their rows (hour, six hours, day, week, four weeks: ascending, as
    /// <c>ORDER BY grain_s</c>), so concurrent saves cannot deadlock. Each grain's buckets nest in the next one's.
    /// </summary>
    public static readonly int[] Grains = [HourSeconds, SixHourSeconds, DaySeconds, WeekSeconds, FourWeekSeconds];

    /// <summary>True for a grain the rollups keep.</summary>
    public static bool IsGrain(int seconds) => Array.IndexOf(Grains, seconds) >= 0;

    /// <summary>The grains for an error message.</summary>
    public const string GrainsText =
        "Rollups are kept per hour (3600), six hours (21600), day (86400), week (604800) and four weeks (2419200).";

    private const string SumColumns = "runs, sent, ok, lost, late, mean_count, mean_sum, pairs, jitter_sum, undecodable, histogram";

    /// <summary>The NOT NULL key of a location: '0' for none, '1' + the name otherwise.</summary>
    public static string LocationKey(string? location) => location is null ? "0" : "1" + location;

    /// <summary>The start (unix µs) of the <paramref name="grainSeconds"/> bucket holding <paramref name="unixUs"/>.</summary>
    public static long BucketStart(long unixUs, int grainSeconds)
    {
        long size = grainSeconds * 1_000_000L;
        return unixUs - (((unixUs % size) + size) % size);
    }

    /// <summary>
    /// Appends to a save's command the statements that add its run to its rows of every grain (<see cref="Grains"/>):
    /// the missing rows are created holding the run alone (one multi-row <c>INSERT … ON CONFLICT DO NOTHING
    /// RETURNING grain_s</c>, rows in grain order: a concurrent save of the same key waits, then finds it), then all
    /// are read under a row lock in grain order (so concurrent saves lock in one order). <see
    /// cref="RunRollups.ReadLockedAsync"/> reads both results; <see cref="RunRollups.AppendWrite"/> writes back, merged,
    /// only the rows that existed before (with the pings, where the dialect can): two round trips, and a row this save
    /// created (every hour's first run of a series) is written once.
    /// </summary>
    /// <param name="allLocations">False only for the ingest bench's baseline: the rows across locations are left alone.</param>
    public static RunRollups AppendLock(StoreDialect dialect, DbCommand command, StringBuilder sql, RunResult run, byte[] histogram, bool allLocations = true)
    {
        var sums = new RollupSums();
        var stats = run.Stats;
        sums.AddRun(stats.Sent, stats.Ok, stats.Lost, stats.Late, stats.Rtt?.MeanUs, stats.MeanAbsDeltaRttUs, histogram);
        long startedUs = UnixMicros.Floor(run.StartedAt);
        var buckets = new long[Grains.Length];
        var where = new StringBuilder();
        dialect.Add(command, "r_platform", DbKind.Text, run.Platform);
        dialect.Add(command, "r_location_key", DbKind.Text, LocationKey(run.Location));
        dialect.Add(command, "r_location", DbKind.Text, run.Location);
        dialect.Add(command, "r_channel", DbKind.Text, run.Channel);
        AddSums(dialect, command, sums, "_r");
        sql.Append($"INSERT INTO rollups (grain_s, platform, location_key, location, channel, bucket_start, {SumColumns}) VALUES ");
        for (int i = 0; i < Grains.Length; i++)
        {
            buckets[i] = BucketStart(startedUs, Grains[i]);
            string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            dialect.Add(command, "r_grain" + n, DbKind.Integer, Grains[i]);
            var (bucket, kind) = dialect.Micros(UnixMicros.ToTime(buckets[i]));
            dialect.Add(command, "r_bucket" + n, kind, bucket);
            sql.Append(i == 0 ? "" : ", ")
                .Append($"(@r_grain{n}, @r_platform, @r_location_key, @r_location, @r_channel, @r_bucket{n}, @runs_r, @sent_r, @ok_r, @lost_r, ")
                .Append("@late_r, @mean_count_r, @mean_sum_r, @pairs_r, @jitter_sum_r, @undecodable_r, @histogram_r)");
            where.Append(i == 0 ? "" : " OR ").Append($"(grain_s = @r_grain{n} AND bucket_start = @r_bucket{n})");
        }
        sql.Append(" ON CONFLICT DO NOTHING RETURNING grain_s;");
        sql.Append($"SELECT grain_s, {SumColumns} FROM rollups WHERE platform = @r_platform AND location_key = @r_location_key ")
            .Append($"AND channel = @r_channel AND ({where}) ORDER BY grain_s{dialect.ForUpdate};");
        if (!allLocations)
        {
            return new RunRollups(run.Platform, run.Location, run.Channel, buckets, sums, allLocations: false);
        }
        // The same five buckets of the platform × channel across locations, after the run's own rows (every save locks
        // in this order: its series' rows by grain, then the all-locations rows by grain).
        sql.Append($"INSERT INTO {AllLocationsTable} (grain_s, bucket_start, platform, channel, locations, {SumColumns}) VALUES ");
        for (int i = 0; i < Grains.Length; i++)
        {
            string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? "" : ", ")
                .Append($"(@r_grain{n}, @r_bucket{n}, @r_platform, @r_channel, @r_location_key, @runs_r, @sent_r, @ok_r, @lost_r, ")
                .Append("@late_r, @mean_count_r, @mean_sum_r, @pairs_r, @jitter_sum_r, @undecodable_r, @histogram_r)");
        }
        sql.Append(" ON CONFLICT DO NOTHING RETURNING grain_s;");
        sql.Append($"SELECT grain_s, locations, {SumColumns} FROM {AllLocationsTable} WHERE platform = @r_platform ")
            .Append($"AND channel = @r_channel AND ({where}) ORDER BY grain_s{dialect.ForUpdate};");
        return new RunRollups(run.Platform, run.Location, run.Channel, buckets, sums);
    }

    /// <summary>
    /// A saved run's rollup rows: one per grain of its series, then one per grain of its platform × channel across
    /// locations; their keys, the run's own sums, and (once read) the stored sums and, across locations, the locations.
    /// </summary>
    internal sealed class RunRollups(string platform, string? location, string channel, long[] buckets, RollupSums run, bool allLocations = true)
    {
        private readonly RollupSums?[] _stored = new RollupSums?[2 * Grains.Length];
        private readonly string?[] _locations = new string?[Grains.Length];

        /// <summary>Rows this save created (or, without the rows across locations, that it leaves alone).</summary>
        private readonly bool[] _created = [.. Enumerable.Range(0, 2 * Grains.Length).Select(i => !allLocations && i >= Grains.Length)];

        /// <summary>
        /// Reads, from the current result of <paramref name="reader"/> on, the grains of the series' rows this save
        /// created (they hold the run already), the locked rows, then the same two results for the all-locations rows.
        /// </summary>
        public async Task ReadLockedAsync(DbDataReader reader, CancellationToken cancellationToken)
        {
            for (int table = 0; table < (allLocations ? 2 : 1); table++)
            {
                int at = table * Grains.Length;
                if (table > 0 && !await reader.NextResultAsync(cancellationToken))
                {
                    throw new InvalidOperationException("The save's command returned no all-locations rollup rows.");
                }
                while (await reader.ReadAsync(cancellationToken))
                {
                    _created[at + Array.IndexOf(Grains, reader.GetInt32(0))] = true;
                }
                if (!await reader.NextResultAsync(cancellationToken))
                {
                    throw new InvalidOperationException("The save's command returned no locked rollup rows.");
                }
                while (await reader.ReadAsync(cancellationToken))
                {
                    int grain = Array.IndexOf(Grains, reader.Int32("grain_s"));
                    if (!_created[at + grain])
                    {
                        _stored[at + grain] = ReadSums(reader);
                        if (table > 0)
                        {
                            _locations[grain] = reader.Text("locations");
                        }
                    }
                }
                for (int i = at; i < at + Grains.Length; i++)
                {
                    if (!_created[i] && _stored[i] is null)
                    {
                        throw new InvalidOperationException("A rollup row just created is missing.");
                    }
                }
            }
        }

        /// <summary>
        /// Appends to <paramref name="update"/> the statements that write the rows that existed before this save back
        /// with the run added (one UPDATE each, in the order they were locked).
        /// </summary>
        public void AppendWrite(StoreDialect dialect, DbCommand update, StringBuilder sql)
        {
            if (Array.IndexOf(_created, false) < 0)
            {
                return;
            }
            string key = LocationKey(location);
            dialect.Add(update, "platform", DbKind.Text, platform);
            dialect.Add(update, "location_key", DbKind.Text, key);
            dialect.Add(update, "channel", DbKind.Text, channel);
            for (int i = 0; i < 2 * Grains.Length; i++)
            {
                if (_created[i])
                {
                    continue;
                }
                int grain = i % Grains.Length;
                var merged = _stored[i]!;
                merged.Add(run);
                string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string sums = $"runs = @runs{n}, sent = @sent{n}, ok = @ok{n}, lost = @lost{n}, late = @late{n}, "
                    + $"mean_count = @mean_count{n}, mean_sum = @mean_sum{n}, pairs = @pairs{n}, jitter_sum = @jitter_sum{n}, "
                    + $"undecodable = @undecodable{n}, histogram = @histogram{n}";
                if (i < Grains.Length)
                {
                    sql.Append($"UPDATE rollups SET {sums} WHERE grain_s = @grain{n} AND platform = @platform ")
                        .Append($"AND location_key = @location_key AND channel = @channel AND bucket_start = @bucket{n};");
                }
                else
                {
                    // The locations column is written only when the run's location is new to the bucket.
                    string? locations = AllLocations.Add(_locations[grain]!, key);
                    if (locations is not null)
                    {
                        sums += $", locations = @locations{n}";
                        dialect.Add(update, "locations" + n, DbKind.Text, locations);
                    }
                    sql.Append($"UPDATE {AllLocationsTable} SET {sums} WHERE grain_s = @grain{n} AND bucket_start = @bucket{n} ")
                        .Append("AND platform = @platform AND channel = @channel;");
                }
                dialect.Add(update, "grain" + n, DbKind.Integer, Grains[grain]);
                var (bucket, kind) = dialect.Micros(UnixMicros.ToTime(buckets[grain]));
                dialect.Add(update, "bucket" + n, kind, bucket);
                AddSums(dialect, update, merged, n);
            }
        }
    }

    /// <summary>
    /// The rollup rows of <paramref name="grainSeconds"/> whose bucket starts in [filter.Since, filter.Until) and
    /// that match the filter's platform, location and channel.
    /// </summary>
    public static async Task<IReadOnlyList<RollupAggregate>> QueryAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, int grainSeconds, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        string where = Where(dialect, command, filter, grainSeconds);
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
    /// The rows of <see cref="QueryAsync"/> merged per <paramref name="grouping"/> group: by the database where the
    /// dialect can (one row per group, histograms concatenated), else in memory.
    /// </summary>
    public static Task<IReadOnlyList<RollupAggregate>> QueryGroupsAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, int grainSeconds, RollupGrouping grouping, CancellationToken cancellationToken) =>
        QueryGroupsAsync(
            dialect, connection, filter,
            [new RollupPiece(grainSeconds, filter.Since ?? DateTimeOffset.MinValue, filter.Until ?? DateTimeOffset.MaxValue)],
            grouping, cancellationToken, single: true);

    /// <summary>
    /// The rows of every piece merged per <paramref name="grouping"/> group, in one query where the dialect can
    /// (else read piece by piece and merged in memory). <paramref name="single"/>: one piece whose window is the
    /// filter's own (open ends allowed).
    /// </summary>
    public static async Task<IReadOnlyList<RollupAggregate>> QueryGroupsAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, IReadOnlyList<RollupPiece> pieces, RollupGrouping grouping,
        CancellationToken cancellationToken, bool single = false)
    {
        int grainSeconds = pieces.Min(p => p.GrainSeconds);
        if (grouping.AcrossLocations && filter.Location is null && !grouping.PerLocationRows)
        {
            // Every location pooled: the rows pre-merged across locations (one per platform × channel × bucket, a
            // hundredth of the rows of a 100-location fleet), grouped here on both databases.
            return GroupInMemory(
                await QueryAllLocationsAsync(dialect, connection, filter, pieces, single, cancellationToken), grainSeconds, grouping);
        }
        if (!dialect.GroupsRollupsInSql)
        {
            var all = new List<RollupAggregate>();
            foreach (var piece in pieces)
            {
                var range = single ? filter : filter with { Since = piece.Since, Until = piece.Until };
                all.AddRange(await QueryAsync(dialect, connection, range, piece.GrainSeconds, cancellationToken));
            }
            return GroupInMemory(all, grainSeconds, grouping);
        }
        if (dialect.GroupedQueryPrelude.Length > 0)
        {
            await ExecuteAsync(connection, dialect.GroupedQueryPrelude, cancellationToken);
        }
        await using var command = connection.CreateCommand();
        string where = single ? Where(dialect, command, filter, grainSeconds) : WherePieces(dialect, command, filter, pieces);
        string us = dialect.UnixMicrosOf("bucket_start");
        string bucket;
        if (grouping.BucketSizeUs is { } size)
        {
            dialect.Add(command, "size", DbKind.BigInt, size);
            bucket = $"{us} - mod(mod({us}, @size) + @size, @size)";
        }
        else
        {
            bucket = "0";
        }
        string location = grouping.AcrossLocations
            ? "NULL AS location, array_agg(DISTINCT location_key) AS location_keys"
            : "location, NULL AS location_keys";
        string groupBy = grouping.AcrossLocations ? "platform, channel, bucket" : "platform, location_key, location, channel, bucket";
        command.CommandText =
            $"SELECT platform, {location}, channel, {bucket} AS bucket, MIN({us}) AS first_us, "
            + "SUM(runs)::bigint AS runs, SUM(sent)::bigint AS sent, SUM(ok)::bigint AS ok, SUM(lost)::bigint AS lost, "
            + "SUM(late)::bigint AS late, SUM(mean_count)::bigint AS mean_count, SUM(mean_sum) AS mean_sum, "
            + "SUM(pairs)::bigint AS pairs, SUM(jitter_sum) AS jitter_sum, SUM(undecodable)::bigint AS undecodable, "
            + $"{dialect.ConcatBlobs("histogram")} AS histogram FROM rollups WHERE {where} "
            + $"GROUP BY {groupBy} ORDER BY bucket, platform, {(grouping.AcrossLocations ? "" : "location_key, ")}channel;";
        var rows = new List<RollupAggregate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int keys = reader.GetOrdinal("location_keys");
        while (await reader.ReadAsync(cancellationToken))
        {
            IReadOnlyList<string?>? locations = null;
            if (grouping.AcrossLocations)
            {
                locations = reader.GetFieldValue<string[]>(keys).Select(k => k == "0" ? null : k[1..])
                    .OrderBy(l => l is null ? 1 : 0).ThenBy(l => l, StringComparer.Ordinal).ToList();
            }
            var sums = RollupSums.FromStoredSequence(
                reader.Int64("runs"), reader.Int64("sent"), reader.Int64("ok"), reader.Int64("lost"), reader.Int64("late"),
                reader.Int64("mean_count"), reader.Double("mean_sum"), reader.Int64("pairs"), reader.Double("jitter_sum"),
                reader.Int64("undecodable"), reader.Bytes("histogram"));
            long start = grouping.BucketSizeUs is null ? reader.Int64("first_us") : reader.Int64("bucket");
            rows.Add(new RollupAggregate
            {
                Platform = reader.Text("platform"),
                Location = reader.NullableText("location"),
                Channel = reader.Text("channel"),
                GrainSeconds = grainSeconds,
                BucketStart = UnixMicros.ToTime(start),
                Sums = sums,
                Locations = locations,
            });
        }
        return rows;
    }

    /// <summary>The rows of <c>rollups_all_locations</c> of every piece (each its grain over its window) matching the filter's platform and channel.</summary>
    private static async Task<List<RollupAggregate>> QueryAllLocationsAsync(
        StoreDialect dialect, DbConnection connection, AggregateFilter filter, IReadOnlyList<RollupPiece> pieces, bool single,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        string where = single ? Where(dialect, command, filter, pieces[0].GrainSeconds) : WherePieces(dialect, command, filter, pieces);
        command.CommandText =
            $"SELECT grain_s, platform, channel, bucket_start, locations, {SumColumns} FROM {AllLocationsTable} WHERE {where};";
        var rows = new List<RollupAggregate>();
        // The same few location lists come back on most rows: parsed once each.
        var parsed = new Dictionary<string, IReadOnlyList<string?>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int bucket = reader.GetOrdinal("bucket_start");
        while (await reader.ReadAsync(cancellationToken))
        {
            string stored = reader.Text("locations");
            if (!parsed.TryGetValue(stored, out var locations))
            {
                parsed.Add(stored, locations = AllLocations.Locations(stored));
            }
            rows.Add(new RollupAggregate
            {
                Platform = reader.Text("platform"),
                Channel = reader.Text("channel"),
                GrainSeconds = reader.Int32("grain_s"),
                BucketStart = dialect.ReadMicros(reader, bucket),
                Sums = ReadSums(reader),
                Locations = locations,
            });
        }
        return rows;
    }

    /// <summary>The grouping of <see cref="QueryGroupsAsync"/> done over the rows (ordered as <see cref="QueryAsync"/> orders them).</summary>
    internal static IReadOnlyList<RollupAggregate> GroupInMemory(IReadOnlyList<RollupAggregate> rows, int grainSeconds, RollupGrouping grouping)
    {
        var groups = new Dictionary<(long Bucket, string Platform, string? Location, string Channel), (long First, RollupSums Sums, HashSet<string?> Locations)>();
        foreach (var row in rows)
        {
            long us = UnixMicros.Floor(row.BucketStart);
            var key = (grouping.BucketOf(us), row.Platform, grouping.AcrossLocations ? null : row.Location, row.Channel);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (us, new RollupSums(), []);
                groups.Add(key, group);
            }
            group.Sums.Add(row.Sums);
            if (row.Locations is { } pooled)
            {
                // A row pre-merged across locations lists the locations it pooled.
                group.Locations.UnionWith(pooled);
            }
            else
            {
                group.Locations.Add(row.Location);
            }
            groups[key] = (Math.Min(group.First, us), group.Sums, group.Locations);
        }
        return groups
            .OrderBy(g => g.Key.Bucket)
            .ThenBy(g => g.Key.Platform, StringComparer.Ordinal)
            .ThenBy(g => LocationKey(g.Key.Location), StringComparer.Ordinal)
            .ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g => new RollupAggregate
            {
                Platform = g.Key.Platform,
                Location = g.Key.Location,
                Channel = g.Key.Channel,
                GrainSeconds = grainSeconds,
                BucketStart = UnixMicros.ToTime(grouping.BucketSizeUs is null ? g.Value.First : g.Key.Bucket),
                Sums = g.Value.Sums,
                Locations = grouping.AcrossLocations
                    ? g.Value.Locations.OrderBy(l => l is null ? 1 : 0).ThenBy(l => l, StringComparer.Ordinal).ToList()
                    : null,
            })
            .ToList();
    }

    /// <summary>
    /// The WHERE condition (and its parameters) of the rows of several pieces matching a filter's platform, location
    /// and channel: one range of bucket starts per piece and grain.
    /// </summary>
    private static string WherePieces(StoreDialect dialect, DbCommand command, AggregateFilter filter, IReadOnlyList<RollupPiece> pieces)
    {
        var where = new StringBuilder(Where(dialect, command, filter with { Since = null, Until = null }, null));
        where.Append(" AND (");
        for (int i = 0; i < pieces.Count; i++)
        {
            string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            where.Append(i == 0 ? "" : " OR ").Append($"(grain_s = @pg{n} AND bucket_start >= @ps{n} AND bucket_start < @pu{n})");
            dialect.Add(command, "pg" + n, DbKind.Integer, pieces[i].GrainSeconds);
            var (since, kind) = dialect.Micros(pieces[i].Since);
            dialect.Add(command, "ps" + n, kind, since);
            dialect.Add(command, "pu" + n, kind, dialect.Micros(pieces[i].Until).Value);
        }
        return where.Append(')').ToString();
    }

    /// <summary>The WHERE condition (and its parameters) of the rows of a grain matching a filter, by bucket start.</summary>
    private static string Where(StoreDialect dialect, DbCommand command, AggregateFilter filter, int? grainSeconds)
    {
        var where = new StringBuilder(grainSeconds is null ? "TRUE" : "grain_s = @grain");
        if (grainSeconds is { } grain)
        {
            dialect.Add(command, "grain", DbKind.Integer, grain);
        }
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
        return where.ToString();
    }

    /// <summary>
    /// Recomputes every rollup row from the runs, a day of runs at a time (six hours and days from their hours, weeks
    /// from their days, four weeks from their weeks), inside the caller's write transaction; returns the number of
    /// runs and of rows written.
    /// </summary>
    public static async Task<RollupRebuildReport> RebuildAsync(
        StoreDialect dialect, DbConnection connection, CancellationToken cancellationToken)
    {
        if (dialect.LockRollupsSql.Length > 0)
        {
            await ExecuteAsync(connection, dialect.LockRollupsSql, cancellationToken);
        }
        await ExecuteAsync(connection, $"DELETE FROM rollups; DELETE FROM {AllLocationsTable};", cancellationToken);
        long runs = 0, hourRows = 0, sixHourRows = 0, dayRows = 0, weekRows = 0, fourWeekRows = 0;
        var batch = new RowBatch(dialect, connection);
        var weeks = new Dictionary<(string Platform, string? Location, string Channel, long Bucket), RollupSums>();
        var fourWeeks = new Dictionary<(string Platform, string? Location, string Channel, long Bucket), RollupSums>();
        long? week = null, fourWeek = null;
        long? next = await NextRunStartAsync(dialect, connection, null, cancellationToken);
        while (next is { } startUs)
        {
            long dayStart = BucketStart(startUs, DaySeconds);
            long dayEnd = dayStart + DaySeconds * 1_000_000L;
            if (week is { } current && current != BucketStart(dayStart, WeekSeconds))
            {
                AddAll(weeks, fourWeeks, fourWeek!.Value);
                weekRows += await WriteAllAsync(batch, WeekSeconds, weeks, cancellationToken);
            }
            if (fourWeek is { } currentFour && currentFour != BucketStart(dayStart, FourWeekSeconds))
            {
                fourWeekRows += await WriteAllAsync(batch, FourWeekSeconds, fourWeeks, cancellationToken);
            }
            week = BucketStart(dayStart, WeekSeconds);
            fourWeek = BucketStart(dayStart, FourWeekSeconds);
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
            // Six hours and days are built from their hours, in hour order, as a save adds to each; rows go out in
            // multi-row INSERTs.
            var sixHours = new Dictionary<(string, string?, string, long), RollupSums>();
            var days = new Dictionary<(string, string?, string, long), RollupSums>();
            foreach (var (key, sums) in hours.OrderBy(h => h.Key.Bucket))
            {
                await batch.AddAsync(HourSeconds, key.Platform, key.Location, key.Channel, key.Bucket, sums, cancellationToken);
                hourRows++;
                Add(sixHours, (key.Platform, key.Location, key.Channel, BucketStart(key.Bucket, SixHourSeconds)), sums);
                Add(days, (key.Platform, key.Location, key.Channel, dayStart), sums);
            }
            sixHourRows += await WriteAllAsync(batch, SixHourSeconds, sixHours, cancellationToken);
            AddAll(days, weeks, week.Value);
            dayRows += await WriteAllAsync(batch, DaySeconds, days, cancellationToken);
            next = await NextRunStartAsync(dialect, connection, dayEnd, cancellationToken);
        }
        if (fourWeek is { } last)
        {
            AddAll(weeks, fourWeeks, last);
        }
        weekRows += await WriteAllAsync(batch, WeekSeconds, weeks, cancellationToken);
        fourWeekRows += await WriteAllAsync(batch, FourWeekSeconds, fourWeeks, cancellationToken);
        await batch.FlushAsync(cancellationToken);
        long allLocationsRows = await FillAllLocationsAsync(dialect, connection, cancellationToken);
        return new RollupRebuildReport(runs, hourRows, dayRows)
        {
            WeekRows = weekRows, SixHourRows = sixHourRows, FourWeekRows = fourWeekRows, AllLocationsRows = allLocationsRows,
        };
    }

    /// <summary>
    /// Migration 0008: fills the rows of a grain the store did not keep before from the rows of a finer grain that
    /// nests in it (six hours from hours, four weeks from weeks), inside the migration's transaction, one series
    /// (platform × location × channel, as the weekly rows list them) at a time. Returns the rows written.
    /// </summary>
    public static async Task<long> FillFromFinerAsync(
        StoreDialect dialect, DbConnection connection, int finerSeconds, int grainSeconds, CancellationToken cancellationToken)
    {
        var series = new List<(string Platform, string LocationKey, string Channel)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT platform, location_key, channel FROM rollups WHERE grain_s = @grain ORDER BY platform, location_key, channel;";
            dialect.Add(command, "grain", DbKind.Integer, WeekSeconds);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                series.Add((reader.Text("platform"), reader.Text("location_key"), reader.Text("channel")));
            }
        }
        var batch = new RowBatch(dialect, connection);
        long written = 0;
        foreach (var (platform, locationKey, channel) in series)
        {
            var rows = new List<(long Bucket, RollupSums Sums)>();
            string? location = locationKey == "0" ? null : locationKey[1..];
            await using (var command = connection.CreateCommand())
            {
                command.CommandText =
                    $"SELECT {dialect.UnixMicrosOf("bucket_start")} AS bucket_us, {SumColumns} FROM rollups WHERE grain_s = @grain "
                    + "AND platform = @platform AND location_key = @location_key AND channel = @channel ORDER BY bucket_start;";
                dialect.Add(command, "grain", DbKind.Integer, finerSeconds);
                dialect.Add(command, "platform", DbKind.Text, platform);
                dialect.Add(command, "location_key", DbKind.Text, locationKey);
                dialect.Add(command, "channel", DbKind.Text, channel);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    long bucket = BucketStart(reader.Int64("bucket_us"), grainSeconds);
                    if (rows.Count == 0 || rows[^1].Bucket != bucket)
                    {
                        rows.Add((bucket, new RollupSums()));
                    }
                    rows[^1].Sums.Add(ReadSums(reader));
                }
            }
            foreach (var (bucket, sums) in rows)
            {
                await batch.AddAsync(grainSeconds, platform, location, channel, bucket, sums, cancellationToken);
            }
            written += rows.Count;
        }
        await batch.FlushAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// Migration 0009 and the end of a rebuild: (re)fills <c>rollups_all_locations</c> from the rows of <c>rollups</c>,
    /// inside the caller's write transaction: every row of a grain × platform × channel × bucket merged (the same
    /// <see cref="RollupSums.Add"/> as a query merging them), its location keys listed. One pass over the table in
    /// storage order, the merged rows held in memory (one per platform × channel × bucket of every grain: ~86,000 for a
    /// year of 8 platform × channel pairs). Returns the rows written.
    /// </summary>
    public static async Task<long> FillAllLocationsAsync(StoreDialect dialect, DbConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, $"DELETE FROM {AllLocationsTable};", cancellationToken);
        var merged = new Dictionary<(int Grain, string Platform, string Channel, long Bucket), (RollupSums Sums, HashSet<string> Keys)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText =
                $"SELECT grain_s, platform, location_key, channel, {dialect.UnixMicrosOf("bucket_start")} AS bucket_us, {SumColumns} FROM rollups;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            int grain = reader.GetOrdinal("grain_s"), platform = reader.GetOrdinal("platform"), locationKey = reader.GetOrdinal("location_key");
            int channel = reader.GetOrdinal("channel"), bucket = reader.GetOrdinal("bucket_us");
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetInt32(grain), reader.GetString(platform), reader.GetString(channel), reader.GetInt64(bucket));
                if (!merged.TryGetValue(key, out var row))
                {
                    row = (new RollupSums(), new HashSet<string>(StringComparer.Ordinal));
                    merged.Add(key, row);
                }
                row.Sums.Add(ReadSums(reader));
                row.Keys.Add(reader.GetString(locationKey));
            }
        }
        var batch = new RowBatch(dialect, connection, allLocations: true);
        foreach (var ((g, p, c, b), (sums, keys)) in merged.OrderBy(m => m.Key.Grain).ThenBy(m => m.Key.Bucket))
        {
            await batch.AddAsync(g, p, AllLocations.Join(keys), c, b, sums, cancellationToken);
        }
        await batch.FlushAsync(cancellationToken);
        return merged.Count;
    }

    private static void Add(Dictionary<(string, string?, string, long), RollupSums> rows, (string, string?, string, long) key, RollupSums sums)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            row = new RollupSums();
            rows.Add(key, row);
        }
        row.Add(sums);
    }

    /// <summary>Adds every row of <paramref name="finer"/> to its row of bucket <paramref name="bucket"/> in <paramref name="coarser"/>.</summary>
    private static void AddAll(
        Dictionary<(string Platform, string? Location, string Channel, long Bucket), RollupSums> finer,
        Dictionary<(string Platform, string? Location, string Channel, long Bucket), RollupSums> coarser,
        long bucket)
    {
        foreach (var ((p, l, c, _), sums) in finer)
        {
            Add(coarser, (p, l, c, bucket), sums);
        }
    }

    /// <summary>Queues every row of <paramref name="rows"/> and empties it; returns how many.</summary>
    private static async Task<long> WriteAllAsync(
        RowBatch batch, int grain, Dictionary<(string Platform, string? Location, string Channel, long Bucket), RollupSums> rows, CancellationToken cancellationToken)
    {
        foreach (var ((p, l, c, b), sums) in rows)
        {
            await batch.AddAsync(grain, p, l, c, b, sums, cancellationToken);
        }
        long count = rows.Count;
        rows.Clear();
        return count;
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

    private static void AddRange(StoreDialect dialect, DbCommand command, long sinceUs, long untilUs)
    {
        var (since, kind) = dialect.Micros(UnixMicros.ToTime(sinceUs));
        dialect.Add(command, "since", kind, since);
        dialect.Add(command, "until", kind, dialect.Micros(UnixMicros.ToTime(untilUs)).Value);
    }

    private static void AddSums(StoreDialect dialect, DbCommand command, RollupSums sums, string suffix)
    {
        dialect.Add(command, "runs" + suffix, DbKind.BigInt, sums.Runs);
        dialect.Add(command, "sent" + suffix, DbKind.BigInt, sums.Sent);
        dialect.Add(command, "ok" + suffix, DbKind.BigInt, sums.Ok);
        dialect.Add(command, "lost" + suffix, DbKind.BigInt, sums.Lost);
        dialect.Add(command, "late" + suffix, DbKind.BigInt, sums.Late);
        dialect.Add(command, "mean_count" + suffix, DbKind.BigInt, sums.MeanCount);
        dialect.Add(command, "mean_sum" + suffix, DbKind.Double, sums.MeanSum);
        dialect.Add(command, "pairs" + suffix, DbKind.BigInt, sums.Pairs);
        dialect.Add(command, "jitter_sum" + suffix, DbKind.Double, sums.JitterSum);
        dialect.Add(command, "undecodable" + suffix, DbKind.BigInt, sums.Undecodable);
        dialect.Add(command, "histogram" + suffix, DbKind.Blob, sums.SerializeHistogram());
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

    /// <summary>
    /// Rollup rows written by the rebuild in multi-row INSERTs of up to <see cref="RowsPerStatement"/> rows (17
    /// parameters a row, well under either database's parameter limit), instead of one statement per row.
    /// </summary>
    /// <remarks>With <paramref name="allLocations"/>, rows of <c>rollups_all_locations</c>: a row's location is its locations column.</remarks>
    private sealed class RowBatch(StoreDialect dialect, DbConnection connection, bool allLocations = false)
    {
        public const int RowsPerStatement = 200;

        private readonly List<(int Grain, string Platform, string? Location, string Channel, long Bucket, RollupSums Sums)> _rows = [];

        public Task AddAsync(
            int grain, string platform, string? location, string channel, long bucketUs, RollupSums sums, CancellationToken cancellationToken)
        {
            _rows.Add((grain, platform, location, channel, bucketUs, sums));
            return _rows.Count >= RowsPerStatement ? FlushAsync(cancellationToken) : Task.CompletedTask;
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_rows.Count == 0)
            {
                return;
            }
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder(allLocations
                ? $"INSERT INTO {AllLocationsTable} (grain_s, platform, locations, channel, bucket_start, {SumColumns}) VALUES "
                : $"INSERT INTO rollups (grain_s, platform, location_key, location, channel, bucket_start, {SumColumns}) VALUES ");
            for (int i = 0; i < _rows.Count; i++)
            {
                var (grain, platform, location, channel, bucketUs, sums) = _rows[i];
                string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (i > 0)
                {
                    sql.Append(", ");
                }
                sql.Append(allLocations ? $"(@g{n}, @p{n}, @l{n}, " : $"(@g{n}, @p{n}, @k{n}, @l{n}, ")
                    .Append($"@c{n}, @b{n}, @runs{n}, @sent{n}, @ok{n}, @lost{n}, @late{n}, ")
                    .Append($"@mc{n}, @ms{n}, @pairs{n}, @js{n}, @u{n}, @h{n})");
                dialect.Add(command, "g" + n, DbKind.Integer, grain);
                dialect.Add(command, "p" + n, DbKind.Text, platform);
                if (!allLocations)
                {
                    dialect.Add(command, "k" + n, DbKind.Text, LocationKey(location));
                }
                dialect.Add(command, "l" + n, DbKind.Text, location);
                dialect.Add(command, "c" + n, DbKind.Text, channel);
                var (bucket, kind) = dialect.Micros(UnixMicros.ToTime(bucketUs));
                dialect.Add(command, "b" + n, kind, bucket);
                dialect.Add(command, "runs" + n, DbKind.BigInt, sums.Runs);
                dialect.Add(command, "sent" + n, DbKind.BigInt, sums.Sent);
                dialect.Add(command, "ok" + n, DbKind.BigInt, sums.Ok);
                dialect.Add(command, "lost" + n, DbKind.BigInt, sums.Lost);
                dialect.Add(command, "late" + n, DbKind.BigInt, sums.Late);
                dialect.Add(command, "mc" + n, DbKind.BigInt, sums.MeanCount);
                dialect.Add(command, "ms" + n, DbKind.Double, sums.MeanSum);
                dialect.Add(command, "pairs" + n, DbKind.BigInt, sums.Pairs);
                dialect.Add(command, "js" + n, DbKind.Double, sums.JitterSum);
                dialect.Add(command, "u" + n, DbKind.BigInt, sums.Undecodable);
                dialect.Add(command, "h" + n, DbKind.Blob, sums.SerializeHistogram());
            }
            sql.Append(';');
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
            _rows.Clear();
        }
    }
}

using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Core.Results;
using RtcBench.Storage.Ado;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// PostgreSQL's forms: run ids as uuid, times as timestamptz (a run's start/end also keep the 100 ns ticks below
/// the microsecond in <c>*_ticks</c>), JSON as jsonb, no NUL in text, pings by binary COPY.
/// </summary>
internal sealed class PostgresDialect : StoreDialect
{
    public static readonly PostgresDialect Instance = new();

    private const string CopyPingsSql =
        "COPY pings (run_id, run_started_at, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us) FROM STDIN (FORMAT BINARY)";

    public override DbParameter Parameter(string name, DbKind kind, object? value) =>
        new NpgsqlParameter(name, Type(kind)) { Value = value ?? DBNull.Value };

    private static NpgsqlDbType Type(DbKind kind) => kind switch
    {
        DbKind.Text => NpgsqlDbType.Text,
        DbKind.Integer => NpgsqlDbType.Integer,
        DbKind.BigInt => NpgsqlDbType.Bigint,
        DbKind.Double => NpgsqlDbType.Double,
        DbKind.Blob => NpgsqlDbType.Bytea,
        DbKind.Json => NpgsqlDbType.Jsonb,
        DbKind.SmallInt => NpgsqlDbType.Smallint,
        DbKind.Time => NpgsqlDbType.TimestampTz,
        DbKind.Uuid => NpgsqlDbType.Uuid,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A uuid kind is bound as <see cref="Guid"/>; Npgsql infers uuid from it.</summary>
    public override (object Value, DbKind Kind) Id(string runId) => (PostgresRunId.ToGuid(runId), DbKind.Uuid);

    public override string ReadId(DbDataReader reader, int ordinal) => PostgresRunId.FromGuid(reader.GetGuid(ordinal));

    public override (object Value, DbKind Kind) Micros(DateTimeOffset time) => (PostgresTime.Floor(time), DbKind.Time);

    public override DateTimeOffset ReadMicros(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string UnixMicrosOf(string column) => $"(extract(epoch FROM {column}) * 1000000)::bigint";

    public override string ExactTimeSelect(string column) => $"{column}, {column}_ticks";

    public override DateTimeOffset ReadExactTime(DbDataReader reader, string column) =>
        PostgresTime.Join(
            reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal(column)),
            reader.GetInt16(reader.GetOrdinal(column + "_ticks")));

    public override IEnumerable<(string Column, DbKind Kind, object Value)> ExactTimeValues(string column, DateTimeOffset time)
    {
        var (utc, ticks) = PostgresTime.Split(time);
        return [(column, DbKind.Time, utc), (column + "_ticks", DbKind.SmallInt, ticks)];
    }

    public override string StatsColumn => "stats";

    public override string PathColumn => "path";

    public override string JsonSelect => "stats::text AS stats_json, path::text AS path_json";

    public override string MeanAbsDeltaSelect =>
        "(stats->>'mean_abs_delta_rtt_us')::double precision AS mean_abs_delta_rtt_us";

    public override string NullsLast(string column) => column + " NULLS LAST";

    public override string RunKeyColumn => "id";

    public override IRunKeyIndex NewRunKeyIndex() => new RunKeyIndex<Guid>();

    public override string ForUpdate => " FOR UPDATE";

    // Saves wait while a rebuild runs; a save that updated rollups before commits before the rebuild starts.
    public override string LockRollupsSql => "LOCK TABLE rollups, rollups_all_locations IN EXCLUSIVE MODE;";

    public override string CheckSql => "SELECT 1;";

    public override bool GroupsRollupsInSql => true;

    public override string ConcatBlobs(string column) => $"string_agg({column}, ''::bytea)";

    /// <summary>
    /// A year over 800 series sorts ~30,000 rollup rows (~9 MB with their histograms) by group before merging them:
    /// with the default 4 MB of work_mem the sort spilled to temporary files. For this read transaction only.
    /// </summary>
    public override string GroupedQueryPrelude => "SET LOCAL work_mem = '32MB';";

    public override void CheckText(RunResult run, string statsJson, string? pathJson) =>
        PostgresTextCheck.ThrowIfNul(run, statsJson, pathJson);

    /// <summary>The advisory lock key of migrations (the ASCII of "rtcbench"); advisory locks are per database.</summary>
    internal const long MigrationLockKey = 0x72746362656E6368;

    public override string MigrationResourcePrefix => "RtcBench.Storage.Postgres.Migrations.";

    /// <summary>
    /// READ COMMITTED, then a transaction-scoped advisory lock: every statement after the lock sees what the lock's
    /// previous holder committed.
    /// </summary>
    public override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", (NpgsqlConnection)connection);
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Bigint) { Value = MigrationLockKey });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    public override string MigrationsTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);";

    public override string RecordMigrationSql =>
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt);";

    public override (object Value, DbKind Kind) MigrationTime(DateTimeOffset time) => (time.ToUniversalTime(), DbKind.Time);

    // Read committed on purpose for writes: a concurrent insert of the same id waits on the primary key until the
    // other transaction ends, then does nothing if it committed.
    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override async ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>Streams the pings to the server with one binary COPY.</summary>
    /// <summary>
    /// The pings as one <c>INSERT … SELECT … FROM unnest(arrays)</c>: seven array parameters (binary, like COPY), one
    /// statement that is prepared once per connection and travels in the same round trip as the rollup rows' write.
    /// </summary>
    public override bool AppendPingsInsert(DbCommand command, System.Text.StringBuilder sql, RunResult run)
    {
        IReadOnlyList<PingResult> pings = run.Pings;
        if (pings.Count == 0)
        {
            return true;
        }
        int n = pings.Count;
        var seq = new long[n];
        var status = new string[n];
        var scheduled = new DateTimeOffset[n];
        var sent = new DateTimeOffset?[n];
        var delay = new double?[n];
        var rtt = new double?[n];
        var netRtt = new double?[n];
        for (int i = 0; i < n; i++)
        {
            PingResult ping = pings[i];
            seq[i] = ping.Seq;
            status[i] = ping.Status;
            scheduled[i] = ping.ScheduledAt.ToUniversalTime();
            sent[i] = ping.SentAt?.ToUniversalTime();
            delay[i] = ping.SendDelayUs;
            rtt[i] = ping.RttUs;
            netRtt[i] = ping.NetRttUs;
        }
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter("p_run_id", NpgsqlDbType.Uuid) { Value = PostgresRunId.ToGuid(run.RunId) });
        parameters.Add(new NpgsqlParameter("p_run_started_at", NpgsqlDbType.TimestampTz) { Value = PostgresTime.Floor(run.StartedAt) });
        parameters.Add(new NpgsqlParameter("p_seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seq });
        parameters.Add(new NpgsqlParameter("p_status", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = status });
        parameters.Add(new NpgsqlParameter("p_scheduled_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = scheduled });
        parameters.Add(new NpgsqlParameter("p_sent_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = sent });
        parameters.Add(new NpgsqlParameter("p_send_delay_us", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = delay });
        parameters.Add(new NpgsqlParameter("p_rtt_us", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = rtt });
        parameters.Add(new NpgsqlParameter("p_net_rtt_us", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = netRtt });
        sql.Append("INSERT INTO pings (run_id, run_started_at, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us) ")
            .Append("SELECT @p_run_id, @p_run_started_at, u.* FROM unnest(@p_seq, @p_status, @p_scheduled_at, @p_sent_at, @p_send_delay_us, @p_rtt_us, @p_net_rtt_us) AS u;");
        return true;
    }

    public override async Task InsertPingsAsync(DbConnection connection, RunResult run, CancellationToken cancellationToken)
    {
        IReadOnlyList<PingResult> pings = run.Pings;
        if (pings.Count == 0)
        {
            return;
        }
        Guid id = PostgresRunId.ToGuid(run.RunId);
        DateTimeOffset runStarted = PostgresTime.Floor(run.StartedAt);
        await using var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(CopyPingsSql, cancellationToken);
        for (int i = 0; i < pings.Count; i++)
        {
            PingResult ping = pings[i];
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(runStarted, NpgsqlDbType.TimestampTz, cancellationToken);
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

    /// <summary>
    /// Claims the id in <c>run_ids</c> (the partitioned runs table can only key (id, started_at)) and inserts the run
    /// row only when the claim did, in one statement: a concurrent save of the same id waits on the key until the other
    /// transaction ends, then claims nothing if it committed.
    /// </summary>
    public override string RunInsertSql(string columns, string parameters) =>
        "WITH claim AS (INSERT INTO run_ids (id, started_at) VALUES (@id, @started_at) ON CONFLICT (id) DO NOTHING RETURNING id) "
        + $"INSERT INTO runs ({columns}) SELECT {parameters} FROM claim RETURNING 1;";

    public override string RunIdTable => "run_ids";

    // Same month partition on both sides: each month's pings join only that month's runs.
    public override string PingRunJoinExtra => " AND p.run_started_at = r.started_at";

    public override string PingStartedBeforeExtra => " AND run_started_at < @before";

    /// <summary>
    /// "no partition of relation … found for row": SQLSTATE 23514 without a constraint name (a CHECK constraint's
    /// violation names it), recognised without reading the message, which the server may translate.
    /// </summary>
    public override bool IsMissingPartition(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: null };

    /// <summary>Calls <c>rtcbench_create_month_partitions</c> (migration 0006) in a transaction of its own.</summary>
    public override async Task CreatePartitionsAsync(DbConnection connection, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT rtcbench_create_month_partitions(@t);", (NpgsqlConnection)connection);
        command.Parameters.Add(new NpgsqlParameter("t", NpgsqlDbType.TimestampTz) { Value = PostgresTime.Floor(startedAt) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteAsync(NpgsqlBinaryImporter importer, double? value, CancellationToken cancellationToken) =>
        value is { } v
            ? importer.WriteAsync(v, NpgsqlDbType.Double, cancellationToken)
            : importer.WriteNullAsync(cancellationToken);
}

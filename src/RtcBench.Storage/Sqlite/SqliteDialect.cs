using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using RtcBench.Core.Results;
using RtcBench.Storage.Ado;

namespace RtcBench.Storage.Sqlite;

/// <summary>
/// SQLite's forms: run ids as text, times as unix µs integers (a run's start/end also as exact ISO text in
/// <c>*_utc</c>), JSON as text, writes under <c>BEGIN IMMEDIATE</c>, pings by small prepared multi-row INSERTs.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    public static readonly SqliteDialect Instance = new();

    /// <summary>
    /// Pings per multi-row INSERT. Small on purpose: SQLite looks bound parameters up by name with a linear scan,
    /// so very wide statements get slower again (100 rows: ~1.2 s per 100,000 pings; 10 rows: ~0.5 s; 1 row: ~0.7 s).
    /// </summary>
    internal const int PingBatchSize = 10;

    private const int PingColumnCount = 7;

    public override DbParameter Parameter(string name, DbKind kind, object? value) =>
        kind == DbKind.Blob
            ? new SqliteParameter("@" + name, SqliteType.Blob) { Value = value ?? DBNull.Value }
            : new SqliteParameter("@" + name, value ?? DBNull.Value);

    public override (object Value, DbKind Kind) Id(string runId) => (runId, DbKind.Text);

    public override string ReadId(DbDataReader reader, int ordinal) => reader.GetString(ordinal);

    public override (object Value, DbKind Kind) Micros(DateTimeOffset time) => (UnixMicros.Floor(time), DbKind.BigInt);

    public override DateTimeOffset ReadMicros(DbDataReader reader, int ordinal) => UnixMicros.ToTime(reader.GetInt64(ordinal));

    public override string UnixMicrosOf(string column) => column;

    public override string ExactTimeSelect(string column) => column + "_utc";

    public override DateTimeOffset ReadExactTime(DbDataReader reader, string column) =>
        UnixMicros.FromText(reader.GetString(reader.GetOrdinal(column + "_utc")));

    public override IEnumerable<(string Column, DbKind Kind, object Value)> ExactTimeValues(string column, DateTimeOffset time) =>
        [(column, DbKind.BigInt, UnixMicros.Floor(time)), (column + "_utc", DbKind.Text, UnixMicros.ToText(time))];

    public override string StatsColumn => "stats_json";

    public override string PathColumn => "path_json";

    public override string JsonSelect => "stats_json, path_json";

    public override string MeanAbsDeltaSelect => "json_extract(stats_json, '$.mean_abs_delta_rtt_us') AS mean_abs_delta_rtt_us";

    public override string NullsLast(string column) => $"{column} IS NULL, {column}";

    public override string RunKeyColumn => "rowid";

    public override IRunKeyIndex NewRunKeyIndex() => new RunKeyIndex<long>();

    // BEGIN IMMEDIATE already holds the database's one write lock.
    public override string ForUpdate => "";

    public override string LockRollupsSql => "";

    public override string CheckSql => "SELECT COUNT(*) FROM schema_migrations;";

    public override string MigrationResourcePrefix => "RtcBench.Storage.Sqlite.Migrations.";

    // Not deferred: BEGIN IMMEDIATE takes the write lock now, so a second process waits (busy timeout) and then sees
    // the versions this one applied.
    public override ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginWriteAsync(connection, cancellationToken);

    public override string MigrationsTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT;";

    // SQLite's table has no name column (its migrations are named by version alone).
    public override string RecordMigrationSql => "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @appliedAt);";

    public override (object Value, DbKind Kind) MigrationTime(DateTimeOffset time) => (UnixMicros.ToText(time), DbKind.Text);

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // Not deferred: BEGIN IMMEDIATE takes the write lock up front.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    /// <summary>
    /// Inserts the pings with two prepared multi-row commands (a full batch and the remainder), each built once and
    /// re-bound for every batch.
    /// </summary>
    public override Task InsertPingsAsync(DbConnection connection, RunResult run, CancellationToken cancellationToken)
    {
        string runId = run.RunId;
        IReadOnlyList<PingResult> pings = run.Pings;
        var sqlite = (SqliteConnection)connection;
        int full = pings.Count / PingBatchSize;
        int remainder = pings.Count % PingBatchSize;
        if (full > 0)
        {
            using var batch = CreatePingInsert(sqlite, runId, PingBatchSize);
            for (int b = 0; b < full; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Bind(batch, pings, b * PingBatchSize, PingBatchSize);
                // Microsoft.Data.Sqlite runs commands synchronously; the sync call saves a Task per batch.
                batch.ExecuteNonQuery();
            }
        }
        if (remainder > 0)
        {
            using var tail = CreatePingInsert(sqlite, runId, remainder);
            Bind(tail, pings, full * PingBatchSize, remainder);
            tail.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    private static SqliteCommand CreatePingInsert(SqliteConnection connection, string runId, int rows)
    {
        var sql = new StringBuilder(
            "INSERT INTO pings (run_id, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us) VALUES ");
        var command = connection.CreateCommand();
        command.Parameters.AddWithValue("@run", runId);
        for (int r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "" : ", ").Append("(@run");
            for (int c = 0; c < PingColumnCount; c++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}");
                sql.Append(", ").Append(name);
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            sql.Append(')');
        }
        command.CommandText = sql.Append(';').ToString();
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, IReadOnlyList<PingResult> pings, int start, int rows)
    {
        var parameters = command.Parameters;
        for (int r = 0; r < rows; r++)
        {
            PingResult ping = pings[start + r];
            int i = 1 + r * PingColumnCount; // parameter 0 is @run
            parameters[i].Value = ping.Seq;
            parameters[i + 1].Value = ping.Status;
            parameters[i + 2].Value = UnixMicros.Floor(ping.ScheduledAt);
            parameters[i + 3].Value = ping.SentAt is { } sent ? UnixMicros.Floor(sent) : DBNull.Value;
            parameters[i + 4].Value = ping.SendDelayUs is { } delay ? delay : DBNull.Value;
            parameters[i + 5].Value = ping.RttUs is { } rtt ? rtt : DBNull.Value;
            parameters[i + 6].Value = ping.NetRttUs is { } net ? net : DBNull.Value;
        }
    }
}

using System.Data.Common;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Ado;

/// <summary>The type of a bound value, which each dialect maps to its own parameter type.</summary>
internal enum DbKind
{
    Text,
    Integer,
    BigInt,
    Double,
    Blob,
    Json,
    SmallInt,
    Time,
    Uuid,
}

/// <summary>
/// What differs between the two databases, and nothing else: how a run id, a time and a JSON document are stored
/// and bound, how the pings of a run are written in bulk, how transactions start, and a few SQL spellings. The one
/// ADO.NET implementation (<see cref="AdoResultStore"/>, <see cref="RunWriter"/>, <see cref="RunReader"/>,
/// <see cref="QueryReader"/>) asks this object; columns are read by name.
/// </summary>
internal abstract class StoreDialect
{
    /// <summary>A parameter named <paramref name="name"/> (no prefix; SQL refers to it as <c>@name</c>).</summary>
    public abstract DbParameter Parameter(string name, DbKind kind, object? value);

    /// <summary>Adds a parameter to <paramref name="command"/>.</summary>
    public void Add(DbCommand command, string name, DbKind kind, object? value) =>
        command.Parameters.Add(Parameter(name, kind, value));

    /// <summary>The stored form of a run id (text or uuid) and its kind.</summary>
    public abstract (object Value, DbKind Kind) Id(string runId);

    /// <summary>A run id from the id column at <paramref name="ordinal"/>.</summary>
    public abstract string ReadId(DbDataReader reader, int ordinal);

    /// <summary>A time as a microsecond column stores it (rounded down): unix µs or timestamptz; with its kind.</summary>
    public abstract (object Value, DbKind Kind) Micros(DateTimeOffset time);

    /// <summary>A time from a microsecond column (ping times, outcome_noticed_at, MIN/MAX of started_at).</summary>
    public abstract DateTimeOffset ReadMicros(DbDataReader reader, int ordinal);

    /// <summary>An SQL expression giving the unix microseconds of a microsecond column, as bigint.</summary>
    public abstract string UnixMicrosOf(string column);

    /// <summary>The select list that carries a run's exact time <paramref name="column"/> (started_at, ended_at).</summary>
    public abstract string ExactTimeSelect(string column);

    /// <summary>A run's exact time <paramref name="column"/> from a row selected with <see cref="ExactTimeSelect"/>.</summary>
    public abstract DateTimeOffset ReadExactTime(DbDataReader reader, string column);

    /// <summary>The columns and values that store a run's exact time <paramref name="column"/>.</summary>
    public abstract IEnumerable<(string Column, DbKind Kind, object Value)> ExactTimeValues(string column, DateTimeOffset time);

    /// <summary>The statistics JSON column's name.</summary>
    public abstract string StatsColumn { get; }

    /// <summary>The path JSON column's name.</summary>
    public abstract string PathColumn { get; }

    /// <summary>Select-list items that read the statistics and path JSON as text named stats_json and path_json.</summary>
    public abstract string JsonSelect { get; }

    /// <summary>A select-list item: the statistics' mean |ΔRTT| (µs) as mean_abs_delta_rtt_us.</summary>
    public abstract string MeanAbsDeltaSelect { get; }

    /// <summary><paramref name="column"/> in an ORDER BY, nulls last.</summary>
    public abstract string NullsLast(string column);

    /// <summary>A cheap unique key of a run row for joining pings to runs in memory (rowid or the uuid id).</summary>
    public abstract string RunKeyColumn { get; }

    /// <summary>Maps <see cref="RunKeyColumn"/> values to list positions.</summary>
    public abstract IRunKeyIndex NewRunKeyIndex();

    /// <summary>Appended to a SELECT that reads a row the transaction will update (" FOR UPDATE", or nothing).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>A statement that keeps other writers off the rollups during a rebuild; empty when the transaction does.</summary>
    public abstract string LockRollupsSql { get; }

    /// <summary>True when the database merges rollup rows per group itself (<see cref="ConcatBlobs"/>); else in memory.</summary>
    public virtual bool GroupsRollupsInSql => false;

    /// <summary>An aggregate that concatenates the bytes of <paramref name="column"/> over a group.</summary>
    public virtual string ConcatBlobs(string column) => throw new NotSupportedException();

    /// <summary>
    /// A statement run in a read transaction before a grouped rollup query (PostgreSQL: more sort memory for this
    /// transaction only); empty for none.
    /// </summary>
    public virtual string GroupedQueryPrelude => "";

    /// <summary>The statement a health check runs.</summary>
    public abstract string CheckSql { get; }

    /// <summary>Throws <see cref="ArgumentException"/> when the run holds text this database cannot store.</summary>
    public virtual void CheckText(RunResult run, string statsJson, string? pathJson)
    {
    }

    /// <summary>Where this database's migrations are embedded (<c>…Migrations.</c>, then <c>NNNN_name.sql</c>).</summary>
    public abstract string MigrationResourcePrefix { get; }

    /// <summary>The migrations shipped for this database, ordered by version.</summary>
    public IReadOnlyList<Migration> Migrations => _migrations ??= Migrator.Load(MigrationResourcePrefix);

    private IReadOnlyList<Migration>? _migrations;

    /// <summary>
    /// Starts the transaction migrations run in, holding what keeps a second process out until it ends (SQLite: the
    /// write lock; PostgreSQL: an advisory lock): that process then finds the versions this one applied.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Creates <c>schema_migrations</c> if missing.</summary>
    public abstract string MigrationsTableSql { get; }

    /// <summary>Records an applied migration (parameters @version, @name, @appliedAt).</summary>
    public abstract string RecordMigrationSql { get; }

    /// <summary>How <c>schema_migrations.applied_at</c> stores a time.</summary>
    public abstract (object Value, DbKind Kind) MigrationTime(DateTimeOffset time);

    /// <summary>Starts the transaction a save runs in (SQLite takes the write lock now).</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Starts a read snapshot.</summary>
    public abstract ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Writes a run's pings (which passed <see cref="RunValidator.Validate"/>) in the current transaction.</summary>
    public abstract Task InsertPingsAsync(DbConnection connection, RunResult run, CancellationToken cancellationToken);

    /// <summary>
    /// Appends to a save's command one statement that writes the run's pings (PostgreSQL: an INSERT from arrays, sent
    /// with the rollup rows' write: one round trip for both, where a COPY takes two of its own); false when the
    /// dialect writes them with <see cref="InsertPingsAsync"/> instead.
    /// </summary>
    public virtual bool AppendPingsInsert(DbCommand command, System.Text.StringBuilder sql, RunResult run) => false;

    /// <summary>
    /// The statement that claims the run id and writes the run row (<paramref name="columns"/>, bound as
    /// <paramref name="parameters"/>), returning one row when it did and none when a run with this id is stored (a
    /// concurrent claim waits for the other transaction). SQLite's runs table keys the id itself.
    /// </summary>
    public virtual string RunInsertSql(string columns, string parameters) =>
        $"INSERT INTO runs ({columns}) VALUES ({parameters}) ON CONFLICT (id) DO NOTHING RETURNING 1;";

    /// <summary>The table whose key is the run id alone (FindRunIds' range scan).</summary>
    public virtual string RunIdTable => "runs";

    /// <summary>Extra condition joining pings <c>p</c> to their run <c>r</c> beyond the id (PostgreSQL: the partition key).</summary>
    public virtual string PingRunJoinExtra => "";

    /// <summary>Extra condition on pings in a prune by run start <c>@before</c> (PostgreSQL: the partition key).</summary>
    public virtual string PingStartedBeforeExtra => "";

    /// <summary>True when a save failed because the run's month has no partition yet.</summary>
    public virtual bool IsMissingPartition(Exception error) => false;

    /// <summary>Creates the partitions that hold runs started at <paramref name="startedAt"/>, in its own transaction.</summary>
    public virtual Task CreatePartitionsAsync(DbConnection connection, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

/// <summary>Run key → position in a list of runs, read without boxing the key.</summary>
internal interface IRunKeyIndex
{
    void Add(DbDataReader reader, int ordinal, int index);

    int Find(DbDataReader reader, int ordinal);
}

/// <summary>An <see cref="IRunKeyIndex"/> for keys read as <typeparamref name="T"/>.</summary>
internal sealed class RunKeyIndex<T> : IRunKeyIndex
    where T : notnull
{
    private readonly Dictionary<T, int> _index = [];

    public void Add(DbDataReader reader, int ordinal, int index) => _index.Add(reader.GetFieldValue<T>(ordinal), index);

    public int Find(DbDataReader reader, int ordinal) => _index[reader.GetFieldValue<T>(ordinal)];
}

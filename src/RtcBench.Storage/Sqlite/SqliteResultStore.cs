using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using RtcBench.Storage.Ado;

namespace RtcBench.Storage.Sqlite;

/// <summary>
/// The SQLite result store: one database file in WAL mode (readers never block the writer), foreign keys on and a
/// busy timeout so several processes can share the file. Each operation opens a pooled connection; writes take the
/// write lock up front (<c>BEGIN IMMEDIATE</c>).
/// </summary>
public sealed class SqliteResultStore : AdoResultStore
{
    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private static readonly string BusyTimeoutPragma =
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds};");

    private readonly string _connectionString;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _timeProvider;
    private readonly StoreAccess _access;

    /// <param name="databasePath">The database file; it and its directory are created as needed.</param>
    /// <param name="timeProvider">Clock for <c>schema_migrations.applied_at</c>; the system clock by default.</param>
    public SqliteResultStore(string databasePath, TimeProvider? timeProvider = null)
        : this(databasePath, StoreAccess.CreateIfMissing, timeProvider)
    {
    }

    /// <param name="databasePath">The database file.</param>
    /// <param name="access">Create the file (and its directories) when missing, or require an existing RtcBench store.</param>
    /// <param name="timeProvider">Clock for <c>schema_migrations.applied_at</c>; the system clock by default.</param>
    public SqliteResultStore(string databasePath, StoreAccess access, TimeProvider? timeProvider = null)
        : this(databasePath, SqliteDialect.Instance.Migrations, timeProvider ?? TimeProvider.System, access)
    {
    }

    internal SqliteResultStore(
        string databasePath, IReadOnlyList<Migration> migrations, TimeProvider timeProvider, StoreAccess access = StoreAccess.CreateIfMissing)
        : base(SqliteDialect.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _migrations = migrations;
        _timeProvider = timeProvider;
        _access = access;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            // ReadWrite, not ReadWriteCreate, for readers: a file deleted meanwhile is an error, not a new store.
            Mode = access == StoreAccess.ReadExisting ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public override string ToString() => "sqlite " + DatabasePath;

    /// <inheritdoc />
    private protected override async Task<SchemaReport> InitializeCoreAsync(CancellationToken cancellationToken)
    {
        bool existed = File.Exists(DatabasePath);
        if (_access == StoreAccess.ReadExisting && !existed)
        {
            throw new StoreNotFoundException($"no result store at {DatabasePath}");
        }
        string? directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        await using var connection = await OpenSqliteAsync(cancellationToken);
        if (_access == StoreAccess.ReadExisting && !await HasSchemaAsync(connection, cancellationToken))
        {
            throw new StoreNotFoundException($"{DatabasePath} is not an RtcBench result store (it has no RtcBench schema)");
        }
        using (var wal = connection.CreateCommand())
        {
            // Persistent in the file; needs no transaction and is a no-op once set.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteScalarAsync(cancellationToken);
        }
        var report = await Migrator.ApplyAsync(Dialect, connection, _migrations, _timeProvider, DatabasePath, cancellationToken, AfterMigrationAsync);
        return report with { Created = !existed || report.Created };
    }

    private static async Task<bool> HasSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Releases this store's pooled connections so the file can be moved or deleted.</summary>
    private protected override ValueTask DisposeCoreAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await OpenSqliteAsync(cancellationToken);

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragma = connection.CreateCommand();
            // PRAGMA takes no parameters; the value is a constant.
            pragma.CommandText = BusyTimeoutPragma;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

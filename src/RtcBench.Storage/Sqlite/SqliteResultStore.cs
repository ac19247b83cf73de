using System.Globalization;
using Microsoft.Data.Sqlite;
using RtcBench.Core.Results;
using RtcBench.Storage.Queries;

namespace RtcBench.Storage.Sqlite;

/// <summary>
/// The SQLite result store: one database file in WAL mode (readers never block the writer), foreign keys on and a
/// busy timeout so several processes can share the file. Each operation opens a pooled connection; writes take the
/// write lock up front (<c>BEGIN IMMEDIATE</c>).
/// </summary>
public sealed class SqliteResultStore : IResultStore
{
    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private static readonly string BusyTimeoutPragma =
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds};");

    private readonly string _connectionString;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly StoreAccess _access;
    private volatile SchemaReport? _schema;
    private bool _disposed;

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
        : this(databasePath, SqliteMigrator.All, timeProvider ?? TimeProvider.System, access)
    {
    }

    internal SqliteResultStore(
        string databasePath, IReadOnlyList<Migration> migrations, TimeProvider timeProvider, StoreAccess access = StoreAccess.CreateIfMissing)
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
    public async Task<SchemaReport> InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_schema is { } done)
        {
            return done;
        }
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_schema is { } raced)
            {
                return raced;
            }
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
            await using var connection = await OpenAsync(cancellationToken);
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
            var report = await SqliteMigrator.ApplyAsync(connection, _migrations, _timeProvider, DatabasePath, cancellationToken);
            _schema = report with { Created = !existed || report.Created };
            return _schema;
        }
        finally
        {
            _initLock.Release();
        }
    }

    private static async Task<bool> HasSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc />
    public async Task<SaveOutcome> SaveRunAsync(RunResult run, CancellationToken cancellationToken)
    {
        byte[] histogram = RunValidator.Validate(run);
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        if (!await SqliteRunWriter.TryInsertRunAsync(connection, run, histogram, cancellationToken))
        {
            transaction.Rollback();
            return SaveOutcome.AlreadyExists;
        }
        SqliteRunWriter.InsertPings(connection, run.RunId, run.Pings, cancellationToken);
        transaction.Commit();
        return SaveOutcome.Inserted;
    }

    /// <inheritdoc />
    public async Task<RunResult?> GetRunAsync(string runId, bool includePings, CancellationToken cancellationToken)
    {
        if (!RunValidator.IsRunId(runId))
        {
            return null;
        }
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteRunReader.GetRunAsync(connection, runId, includePings, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var (low, high) = RunValidator.PrefixRange(prefix, limit);
        return ReadAsync(async c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT id FROM runs WHERE id >= @low AND id <= @high ORDER BY id LIMIT @limit;";
            command.Parameters.AddWithValue("@low", low);
            command.Parameters.AddWithValue("@high", high);
            command.Parameters.AddWithValue("@limit", limit);
            var ids = new List<string>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
            return (IReadOnlyList<string>)ids;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        // One read snapshot, so the page and the total agree.
        using var transaction = connection.BeginTransaction(deferred: true);
        var page = await SqliteRunReader.ListRunsAsync(connection, query, cancellationToken);
        transaction.Commit();
        return page;
    }

    /// <inheritdoc />
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations;";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(AggregateFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(c => SqliteQueryReader.QueryRunAggregatesAsync(c, filter, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(AggregateFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(c => SqliteQueryReader.QueryOkPingsAsync(c, filter, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => SqliteQueryReader.ListLocationsAsync(c, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(string? channel, CancellationToken cancellationToken) =>
        ReadAsync(c => SqliteQueryReader.GetLatestRunsAsync(c, channel, cancellationToken), cancellationToken);

    /// <summary>Releases this store's pooled connections so the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
            _initLock.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <paramref name="read"/> in one deferred (read snapshot) transaction.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: true);
        T result = await read(connection);
        transaction.Commit();
        return result;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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

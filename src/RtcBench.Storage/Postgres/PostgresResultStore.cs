using System.Data;
using Npgsql;
using RtcBench.Core.Results;
using RtcBench.Storage.Queries;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// The PostgreSQL result store for shared deployments: one <see cref="NpgsqlDataSource"/> (pooled connections),
/// versioned migrations under an advisory lock, a run row inserted with <c>ON CONFLICT DO NOTHING</c> and its pings
/// streamed with binary COPY in the same transaction. Behaves exactly as <see cref="SqliteResultStore"/>; both pass
/// one contract test suite.
/// </summary>
public sealed class PostgresResultStore : IResultStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly StoreAccess _access;
    private volatile SchemaReport? _schema;
    private bool _disposed;

    /// <param name="connectionString">An Npgsql connection string (the password, if any, is never shown).</param>
    /// <param name="timeProvider">Clock for <c>schema_migrations.applied_at</c>; the system clock by default.</param>
    /// <exception cref="ArgumentException">The connection string is malformed (the message leaves the password out).</exception>
    public PostgresResultStore(string connectionString, TimeProvider? timeProvider = null)
        : this(connectionString, StoreAccess.CreateIfMissing, timeProvider)
    {
    }

    /// <param name="connectionString">An Npgsql connection string (the password, if any, is never shown).</param>
    /// <param name="access">Create the schema when missing, or require a database that holds one.</param>
    /// <param name="timeProvider">Clock for <c>schema_migrations.applied_at</c>; the system clock by default.</param>
    public PostgresResultStore(string connectionString, StoreAccess access, TimeProvider? timeProvider = null)
        : this(connectionString, PostgresMigrator.All, timeProvider ?? TimeProvider.System, access)
    {
    }

    internal PostgresResultStore(
        string connectionString, IReadOnlyList<Migration> migrations, TimeProvider timeProvider, StoreAccess access = StoreAccess.CreateIfMissing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = PostgresConnectionString.Parse(connectionString);
        DatabaseName = PostgresConnectionString.Describe(builder);
        _dataSource = NpgsqlDataSource.Create(builder);
        _migrations = migrations;
        _timeProvider = timeProvider;
        _access = access;
    }

    /// <summary>Where the store is, for messages and logs: <c>host:port/database (user name)</c>, never the password.</summary>
    public string DatabaseName { get; }

    /// <inheritdoc />
    public override string ToString() => "postgres " + DatabaseName;

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
            await using var connection = await OpenForInitAsync(cancellationToken);
            if (_access == StoreAccess.ReadExisting)
            {
                await using var check = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL;", connection);
                if (await check.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    throw new StoreNotFoundException($"{DatabaseName} holds no RtcBench result store (no RtcBench schema)");
                }
            }
            _schema = await PostgresMigrator.ApplyAsync(connection, _migrations, _timeProvider, DatabaseName, cancellationToken);
            return _schema;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Opens a connection; for a reader, a database that does not exist (SQLSTATE 3D000) is a missing store.</summary>
    private async Task<NpgsqlConnection> OpenForInitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (_access == StoreAccess.ReadExisting && e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new StoreNotFoundException($"{DatabaseName}: the database does not exist", e);
        }
    }

    /// <inheritdoc />
    public Task<SaveOutcome> SaveRunAsync(RunResult run, CancellationToken cancellationToken)
    {
        byte[] histogram = RunValidator.Validate(run);
        return ClearPoolOnConnectionLossAsync(() => SaveRunCoreAsync(run, histogram, cancellationToken));
    }

    private async Task<SaveOutcome> SaveRunCoreAsync(RunResult run, byte[] histogram, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        if (!await PostgresRunWriter.TryInsertRunAsync(connection, transaction, run, histogram, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return SaveOutcome.AlreadyExists;
        }
        await PostgresRunWriter.CopyPingsAsync(connection, run.RunId, run.Pings, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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
        // One snapshot for the run row and its pings.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var run = await PostgresRunReader.GetRunAsync(connection, runId, includePings, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> FindRunIdsAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var (low, high) = RunValidator.PrefixRange(prefix, limit);
        return ReadAsync<IReadOnlyList<string>>(async c =>
        {
            await using var command = new NpgsqlCommand("SELECT id FROM runs WHERE id >= @low AND id <= @high ORDER BY id LIMIT @limit;", c);
            command.Parameters.AddWithValue("low", PostgresRunId.ToGuid(low));
            command.Parameters.AddWithValue("high", PostgresRunId.ToGuid(high));
            command.Parameters.AddWithValue("limit", limit);
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(PostgresRunId.FromGuid(reader.GetGuid(0)));
            }
            return ids;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await InitializeAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        // One snapshot, so the page and the total agree.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var page = await PostgresRunReader.ListRunsAsync(connection, query, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return page;
    }

    /// <inheritdoc />
    public Task CheckAsync(CancellationToken cancellationToken) =>
        ClearPoolOnConnectionLossAsync(async () =>
        {
            await InitializeAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1;", connection);
            return await command.ExecuteScalarAsync(cancellationToken);
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<RunAggregate>> QueryRunAggregatesAsync(AggregateFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(c => PostgresQueryReader.QueryRunAggregatesAsync(c, filter, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunPings>> QueryOkPingsAsync(AggregateFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(c => PostgresQueryReader.QueryOkPingsAsync(c, filter, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LocationSummary>> ListLocationsAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => PostgresQueryReader.ListLocationsAsync(c, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RunSummary>> GetLatestRunsAsync(string? channel, CancellationToken cancellationToken) =>
        ReadAsync(c => PostgresQueryReader.GetLatestRunsAsync(c, channel, cancellationToken), cancellationToken);

    /// <summary>Closes this store's pooled connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _dataSource.DisposeAsync();
            _initLock.Dispose();
        }
    }

    /// <summary>Runs <paramref name="read"/> in one repeatable-read snapshot.</summary>
    private Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken) =>
        ClearPoolOnConnectionLossAsync(async () =>
        {
            await InitializeAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            T result = await read(connection);
            await transaction.CommitAsync(cancellationToken);
            return result;
        });

    /// <summary>
    /// When the server went away (connection refused or broken, or the server shutting down: SQLSTATE classes 08
    /// and 57P), drops every pooled connection so the next operation connects afresh instead of failing on a stale
    /// one: a service on this store recovers by itself once the server is back.
    /// </summary>
    private async Task<T> ClearPoolOnConnectionLossAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (NpgsqlException e) when (IsConnectionLoss(e))
        {
            _dataSource.Clear();
            throw;
        }
    }

    private static bool IsConnectionLoss(NpgsqlException e) => e is not PostgresException pg
        || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal);

    private ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _dataSource.OpenConnectionAsync(cancellationToken);
    }
}

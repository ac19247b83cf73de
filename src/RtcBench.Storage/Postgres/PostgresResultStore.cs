using System.Data.Common;
using Npgsql;
using RtcBench.Storage.Ado;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// The PostgreSQL result store for shared deployments: one <see cref="NpgsqlDataSource"/> (pooled connections),
/// versioned migrations under an advisory lock, the run id claimed in <c>run_ids</c> with <c>ON CONFLICT DO
/// NOTHING</c>, the run row and its pings (streamed with binary COPY) written to their month's partitions in the same
/// transaction. Behaves exactly as <see cref="SqliteResultStore"/>; both pass
/// one contract test suite.
/// </summary>
public sealed class PostgresResultStore : AdoResultStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _timeProvider;
    private readonly StoreAccess _access;

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
        : this(connectionString, PostgresDialect.Instance.Migrations, timeProvider ?? TimeProvider.System, access)
    {
    }

    internal PostgresResultStore(
        string connectionString, IReadOnlyList<Migration> migrations, TimeProvider timeProvider, StoreAccess access = StoreAccess.CreateIfMissing)
        : base(PostgresDialect.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = Settings(connectionString);
        DatabaseName = PostgresConnectionString.Describe(builder);
        _dataSource = NpgsqlDataSource.Create(builder);
        _migrations = migrations;
        _timeProvider = timeProvider;
        _access = access;
    }

    /// <summary>
    /// The connection settings: <paramref name="connectionString"/> parsed, plus auto-preparation and no reset on
    /// close where it does not set them.
    /// </summary>
    internal static NpgsqlConnectionStringBuilder Settings(string connectionString)
    {
        var builder = PostgresConnectionString.Parse(connectionString);
        // NpgsqlConnectionStringBuilder.ContainsKey says whether a keyword exists, not whether it was given: ask the
        // connection string itself (it holds only the settings given).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };
        if (!given.ContainsKey("No Reset On Close"))
        {
            // Returning a connection to the pool otherwise sends DISCARD ALL while nothing is prepared yet, which
            // also forgets how often each statement ran: with one save per checkout no statement ever reached the
            // 5 uses auto-preparation needs, and every save parsed and planned all of its statements again (seen in
            // the server's statement log). The store keeps no session state (no SET, temporary tables or session
            // locks; every transaction ends before the connection goes back), so there is nothing to reset.
            builder.NoResetOnClose = true;
        }
        if (!given.ContainsKey("Max Auto Prepare"))
        {
            // A save's statements are the same text every time: prepared once per connection, they skip the server's
            // parse and plan. (Until the given-or-not check above, this was never applied: Npgsql's builder "contains"
            // every keyword it knows.)
            builder.MaxAutoPrepare = AutoPrepareStatements;
        }
        return builder;
    }

    /// <summary>
    /// Statements Npgsql prepares automatically per connection (after 5 uses) unless the connection string sets
    /// <c>Max Auto Prepare</c>.
    /// </summary>
    internal const int AutoPrepareStatements = 64;

    /// <summary>Where the store is, for messages and logs: <c>host:port/database (user name)</c>, never the password.</summary>
    public string DatabaseName { get; }

    /// <inheritdoc />
    public override string ToString() => "postgres " + DatabaseName;

    /// <inheritdoc />
    private protected override async Task<SchemaReport> InitializeCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenForInitAsync(cancellationToken);
        if (_access == StoreAccess.ReadExisting)
        {
            await using var check = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL;", connection);
            if (await check.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw new StoreNotFoundException($"{DatabaseName} holds no RtcBench result store (no RtcBench schema)");
            }
        }
        return await Migrator.ApplyAsync(Dialect, connection, _migrations, _timeProvider, DatabaseName, cancellationToken, AfterMigrationAsync);
    }

    /// <summary>Opens a connection; for a reader, a database that does not exist (SQLSTATE 3D000) is a missing store.</summary>
    private async Task<NpgsqlConnection> OpenForInitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (NpgsqlConnection)await OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (_access == StoreAccess.ReadExisting && e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new StoreNotFoundException($"{DatabaseName}: the database does not exist", e);
        }
    }

    /// <summary>Closes this store's pooled connections.</summary>
    private protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// When the server went away (connection refused or broken, or the server shutting down: SQLSTATE classes 08
    /// and 57P), drops every pooled connection so the next operation connects afresh instead of failing on a stale
    /// one: a service on this store recovers by itself once the server is back.
    /// </summary>
    private protected override async Task<T> GuardAsync<T>(Func<Task<T>> operation)
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

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }
}

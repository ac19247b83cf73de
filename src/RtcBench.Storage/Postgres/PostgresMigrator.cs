using System.Data;
using System.Reflection;
using Npgsql;
using NpgsqlTypes;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Postgres/Migrations/NNNN_name.sql</c> scripts a database lacks, in version order, in one
/// transaction that first takes a transaction-scoped advisory lock: a second process initialising at the same time
/// waits for the first to commit, then finds nothing left to do. PostgreSQL DDL is transactional, so a failing
/// migration leaves the database as it was. Each applied version is recorded in <c>schema_migrations</c>.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock key (the ASCII of "rtcbench"); advisory locks are per database.</summary>
    internal const long AdvisoryLockKey = 0x72746362656E6368;

    private const string ResourcePrefix = "RtcBench.Storage.Postgres.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(LoadEmbedded);

    /// <summary>The migrations shipped with this assembly, ordered by version (1, 2, 3, … without gaps).</summary>
    public static IReadOnlyList<Migration> All => Embedded.Value;

    /// <summary>Brings the schema up to the last of <paramref name="migrations"/>; says what it found and applied.</summary>
    /// <exception cref="InvalidOperationException">The database has a version newer than the last migration.</exception>
    public static async Task<SchemaReport> ApplyAsync(
        NpgsqlConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        string databaseName,
        CancellationToken cancellationToken)
    {
        int latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        // Read committed on purpose: every statement after the lock sees what the lock's previous holder committed.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(
            connection,
            transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            + "version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);",
            cancellationToken);

        var applied = new HashSet<int>();
        await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations;", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }
        int current = applied.Count == 0 ? 0 : applied.Max();
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"The result database {databaseName} has schema version {current}, but this version of rtcbench knows "
                + $"schema versions up to {latest}. Upgrade rtcbench or use another database.");
        }

        var done = new List<string>();
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt);",
                connection,
                transaction);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("appliedAt", NpgsqlDbType.TimestampTz, timeProvider.GetUtcNow().ToUniversalTime());
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(migration.Name);
        }
        await transaction.CommitAsync(cancellationToken);
        return new SchemaReport(current == 0, current, latest, done);
    }

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var scripts = new List<(string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                && resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                scripts.Add((resource[ResourcePrefix.Length..], ReadResource(assembly, resource)));
            }
        }
        // The numbering rules (1..N, no gaps) are the same for both stores.
        return SqliteMigrator.Order(scripts);
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

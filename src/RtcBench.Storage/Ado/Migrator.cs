using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace RtcBench.Storage.Ado;

/// <summary>
/// The one migration runner for both databases: applies the embedded <c>NNNN_name.sql</c> scripts of the store's
/// dialect (<see cref="StoreDialect.MigrationResourcePrefix"/>) that the database lacks, in version order, in one
/// write transaction (<see cref="StoreDialect.BeginMigrationAsync"/>: SQLite's <c>BEGIN IMMEDIATE</c>, PostgreSQL's
/// advisory lock), so two processes initialising at once apply each migration exactly once; records each in
/// <c>schema_migrations</c>. Both databases' DDL is transactional: a failing migration leaves the database as it was.
/// Only the SQL files differ between the databases.
/// </summary>
internal static class Migrator
{
    /// <summary>Brings the schema up to the last of <paramref name="migrations"/>; says what it found and applied.</summary>
    /// <param name="afterScript">
    /// Runs right after a migration's SQL, in the same transaction, with its version: the work a script cannot do
    /// (0008 fills new rollup rows by merging stored histograms).
    /// </param>
    /// <exception cref="InvalidOperationException">The database has a version newer than the last migration.</exception>
    public static async Task<SchemaReport> ApplyAsync(
        StoreDialect dialect,
        DbConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        string databaseName,
        CancellationToken cancellationToken,
        Func<int, DbConnection, CancellationToken, Task>? afterScript = null)
    {
        int latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        await using var transaction = await dialect.BeginMigrationAsync(connection, cancellationToken);
        await ExecuteAsync(connection, dialect.MigrationsTableSql, cancellationToken);

        var applied = new HashSet<int>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT version FROM schema_migrations;";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
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
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            if (afterScript is not null)
            {
                await afterScript(migration.Version, connection, cancellationToken);
            }
            await using var record = connection.CreateCommand();
            record.CommandText = dialect.RecordMigrationSql;
            dialect.Add(record, "version", DbKind.Integer, migration.Version);
            dialect.Add(record, "name", DbKind.Text, migration.Name);
            var (appliedAt, kind) = dialect.MigrationTime(timeProvider.GetUtcNow());
            dialect.Add(record, "appliedAt", kind, appliedAt);
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(migration.Name);
        }
        await transaction.CommitAsync(cancellationToken);
        return new SchemaReport(current == 0, current, latest, done);
    }

    /// <summary>The migrations embedded under <paramref name="resourcePrefix"/>, ordered by version (1..N without gaps).</summary>
    public static IReadOnlyList<Migration> Load(string resourcePrefix)
    {
        var assembly = typeof(Migrator).Assembly;
        var scripts = new List<(string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(resourcePrefix, StringComparison.Ordinal) && resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                scripts.Add((resource[resourcePrefix.Length..], ReadResource(assembly, resource)));
            }
        }
        return Order(scripts);
    }

    /// <summary>Parses and orders migration scripts by the leading digits of their names; checks 1..N without gaps.</summary>
    internal static IReadOnlyList<Migration> Order(IEnumerable<(string Name, string Sql)> scripts)
    {
        var migrations = new List<Migration>();
        foreach (var (name, sql) in scripts)
        {
            int digits = 0;
            while (digits < name.Length && char.IsAsciiDigit(name[digits]))
            {
                digits++;
            }
            if (digits == 0 || !int.TryParse(name.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new InvalidOperationException($"Migration \"{name}\" does not start with its version number.");
            }
            migrations.Add(new Migration(version, name, sql));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Migration \"{migrations[i].Name}\" has version {migrations[i].Version}; expected {i + 1} (versions run 1..N without gaps or repeats).");
            }
        }
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

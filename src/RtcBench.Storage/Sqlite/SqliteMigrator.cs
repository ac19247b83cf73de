using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace RtcBench.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Sqlite/Migrations/NNNN_name.sql</c> scripts a database lacks, in version order, in one
/// write transaction (so two processes initialising at once apply each migration exactly once), recording each
/// in <c>schema_migrations</c>.
/// </summary>
internal static class SqliteMigrator
{
    private const string ResourcePrefix = "RtcBench.Storage.Sqlite.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(LoadEmbedded);

    /// <summary>The migrations shipped with this assembly, ordered by version (1, 2, 3, … without gaps).</summary>
    public static IReadOnlyList<Migration> All => Embedded.Value;

    /// <summary>Brings the schema up to the last of <paramref name="migrations"/>; says what it found and applied.</summary>
    /// <exception cref="InvalidOperationException">The database has a version newer than the last migration.</exception>
    public static async Task<SchemaReport> ApplyAsync(
        SqliteConnection connection,
        IReadOnlyList<Migration> migrations,
        TimeProvider timeProvider,
        string databaseName,
        CancellationToken cancellationToken)
    {
        int latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        // Serializable and not deferred: BEGIN IMMEDIATE takes the write lock now, so a second process waits
        // (busy timeout) and then sees the versions this one applied.
        using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(
            connection,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT;",
            cancellationToken);

        var applied = new HashSet<int>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT version FROM schema_migrations;";
            using var reader = await select.ExecuteReaderAsync(cancellationToken);
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
            using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @appliedAt);";
            record.Parameters.AddWithValue("@version", migration.Version);
            record.Parameters.AddWithValue("@appliedAt", UnixMicros.ToText(timeProvider.GetUtcNow()));
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(migration.Name);
        }
        transaction.Commit();
        return new SchemaReport(current == 0, current, latest, done);
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

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
        var scripts = new List<(string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            scripts.Add((resource[ResourcePrefix.Length..], ReadResource(assembly, resource)));
        }
        return Order(scripts);
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

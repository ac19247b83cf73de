using System.Diagnostics.CodeAnalysis;
using RtcBench.Storage.Postgres;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage;

/// <summary>
/// Opens a result store from a specification string: <c>sqlite:PATH</c> (PATH may start with <c>~/</c>),
/// <c>postgres:CONNSTRING</c> (an Npgsql connection string) or <c>postgres://user:password@host:port/database</c>.
/// No error message contains a PostgreSQL password.
/// </summary>
public static class ResultStoreFactory
{
    /// <summary>The environment variable naming the directory that holds the default database.</summary>
    public const string HomeVariable = "RTCBENCH_HOME";

    public const string SupportedSchemes =
        "Supported: sqlite:PATH (e.g. sqlite:~/.rtcbench/results.db); "
        + "postgres:CONNSTRING (e.g. postgres:Host=127.0.0.1;Port=5432;Username=rtcbench;Database=rtcbench); "
        + "postgres://user:password@host:port/database.";

    private const string DatabaseFileName = "results.db";

    /// <summary>
    /// <c>~/.rtcbench/results.db</c> under the user's home, or <c>results.db</c> in the directory named by
    /// <c>RTCBENCH_HOME</c> when that is set.
    /// </summary>
    public static string DefaultSqlitePath =>
        ResolveDefaultSqlitePath(
            Environment.GetEnvironmentVariable(HomeVariable),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Parses <paramref name="spec"/> and opens the store (not yet initialised), creating it on first use when missing.</summary>
    /// <exception cref="ArgumentException">The specification is malformed or names an unsupported store.</exception>
    public static IResultStore Open(string spec) => Open(spec, StoreAccess.CreateIfMissing);

    /// <summary>
    /// Parses <paramref name="spec"/> and opens the store (not yet initialised). With
    /// <see cref="StoreAccess.ReadExisting"/> a store that does not exist is never created: its first operation
    /// throws <see cref="StoreNotFoundException"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The specification is malformed or names an unsupported store.</exception>
    public static IResultStore Open(string spec, StoreAccess access)
    {
        if (!TryParse(spec, out var parsed, out string error))
        {
            throw new ArgumentException(error, nameof(spec));
        }
        return parsed.Kind switch
        {
            StoreKind.Sqlite => new SqliteResultStore(parsed.Target, access),
            StoreKind.Postgres => new PostgresResultStore(parsed.Target, access),
            _ => throw new ArgumentException($"Unsupported store kind {parsed.Kind}. {SupportedSchemes}", nameof(spec)),
        };
    }

    /// <summary>Parses a store specification; on failure <paramref name="error"/> says what is supported.</summary>
    public static bool TryParse(
        string spec, [NotNullWhen(true)] out StoreSpec? storeSpec, out string error)
    {
        storeSpec = null;
        string text = spec?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = $"No result store given. {SupportedSchemes}";
            return false;
        }
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string scheme = colon > 0 ? text[..colon] : "";
        string rest = colon > 0 ? text[(colon + 1)..] : "";
        if (scheme.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (rest.Trim().Length == 0)
            {
                error = $"\"{text}\" names no database file. {SupportedSchemes}";
                return false;
            }
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            storeSpec = new StoreSpec(StoreKind.Sqlite, ExpandPath(rest.Trim(), home));
            error = "";
            return true;
        }
        if (scheme.Equals("postgres", StringComparison.OrdinalIgnoreCase)
            || scheme.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            return TryParsePostgres(text, rest, out storeSpec, out error);
        }
        // A connection string given without its scheme may hold a password: never echo one.
        error = PostgresConnectionString.Scrub(
            scheme.Length == 0
                ? $"\"{text}\" has no scheme. {SupportedSchemes}"
                : $"Unsupported result store scheme \"{scheme}:\". {SupportedSchemes}",
            text);
        return false;
    }

    /// <summary><c>postgres://…</c> (and <c>postgresql://…</c>) is a URL; <c>postgres:…</c> an Npgsql connection string.</summary>
    private static bool TryParsePostgres(
        string text, string rest, [NotNullWhen(true)] out StoreSpec? storeSpec, out string error)
    {
        storeSpec = null;
        string connection = rest.StartsWith("//", StringComparison.Ordinal) ? text : rest;
        if (connection.Trim().Length == 0)
        {
            error = $"\"postgres:\" names no database. {SupportedSchemes}";
            return false;
        }
        if (!PostgresConnectionString.TryParse(connection, out var builder, out string parseError))
        {
            error = $"{parseError} {SupportedSchemes}";
            return false;
        }
        storeSpec = new StoreSpec(StoreKind.Postgres, builder.ConnectionString, PostgresConnectionString.Redact(builder));
        error = "";
        return true;
    }

    internal static string ResolveDefaultSqlitePath(string? rtcbenchHome, string userHome)
    {
        string directory = string.IsNullOrWhiteSpace(rtcbenchHome)
            ? Path.Combine(userHome, ".rtcbench")
            : ExpandPath(rtcbenchHome.Trim(), userHome);
        return Path.GetFullPath(Path.Combine(directory, DatabaseFileName));
    }

    /// <summary>Expands a leading <c>~/</c> (or a lone <c>~</c>) to the user's home and makes the path absolute.</summary>
    internal static string ExpandPath(string path, string userHome)
    {
        if (path == "~")
        {
            return Path.GetFullPath(userHome);
        }
        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return Path.GetFullPath(Path.Combine(userHome, path[2..]));
        }
        return Path.GetFullPath(path);
    }
}

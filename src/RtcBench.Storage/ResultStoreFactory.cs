using System.Diagnostics.CodeAnalysis;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage;

/// <summary>
/// Opens a result store from a specification string: <c>sqlite:PATH</c> today (PATH may start with <c>~/</c>);
/// <c>postgres:</c> is not supported yet.
/// </summary>
public static class ResultStoreFactory
{
    /// <summary>The environment variable naming the directory that holds the default database.</summary>
    public const string HomeVariable = "RTCBENCH_HOME";

    public const string SupportedSchemes =
        "Supported: sqlite:PATH (e.g. sqlite:~/.rtcbench/results.db); postgres: is not supported yet.";

    private const string DatabaseFileName = "results.db";

    /// <summary>
    /// <c>~/.rtcbench/results.db</c> under the user's home, or <c>results.db</c> in the directory named by
    /// <c>RTCBENCH_HOME</c> when that is set.
    /// </summary>
    public static string DefaultSqlitePath =>
        ResolveDefaultSqlitePath(
            Environment.GetEnvironmentVariable(HomeVariable),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Parses <paramref name="spec"/> and opens the store (not yet initialised).</summary>
    /// <exception cref="ArgumentException">The specification is malformed or names an unsupported store.</exception>
    public static IResultStore Open(string spec)
    {
        if (!TryParse(spec, out var parsed, out string error))
        {
            throw new ArgumentException(error, nameof(spec));
        }
        return parsed.Kind switch
        {
            StoreKind.Sqlite => new SqliteResultStore(parsed.Target),
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
            error = $"PostgreSQL result stores are not supported yet. {SupportedSchemes}";
            return false;
        }
        error = scheme.Length == 0
            ? $"\"{text}\" has no scheme. {SupportedSchemes}"
            : $"Unsupported result store scheme \"{scheme}:\". {SupportedSchemes}";
        return false;
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

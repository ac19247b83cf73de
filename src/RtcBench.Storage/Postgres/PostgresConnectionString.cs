using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace RtcBench.Storage.Postgres;

/// <summary>
/// Parses the two PostgreSQL store forms — an Npgsql connection string (<c>Host=…;Port=…;Username=…</c>) and a URL
/// (<c>postgres://user:pass@host:port/db?sslmode=require</c>) — into an <see cref="NpgsqlConnectionStringBuilder"/>.
/// No message made here contains the password: errors name the setting at fault, never its text.
/// </summary>
internal static partial class PostgresConnectionString
{
    public const int DefaultPort = 5432;

    /// <summary>Parses an Npgsql connection string or a <c>postgres://</c>/<c>postgresql://</c> URL.</summary>
    /// <exception cref="ArgumentException">The text is malformed or names no host; the message leaves secrets out.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string text)
    {
        if (!TryParse(text, out var builder, out string error))
        {
            throw new ArgumentException(error, nameof(text));
        }
        return builder;
    }

    /// <summary>Like <see cref="Parse"/>; on failure <paramref name="error"/> says what is wrong, without secrets.</summary>
    public static bool TryParse(string text, out NpgsqlConnectionStringBuilder builder, out string error)
    {
        text = text.Trim();
        bool isUrl = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
        bool parsed = isUrl ? TryParseUrl(text, out builder, out error) : TryParseKeywords(text, out builder, out error);
        if (parsed && string.IsNullOrWhiteSpace(builder.Host))
        {
            error = "The PostgreSQL connection names no host (Host=… or postgres://host/…).";
            parsed = false;
        }
        if (!parsed)
        {
            error = Scrub(error, text);
        }
        return parsed;
    }

    /// <summary><c>host:port/database (user name)</c>: enough to tell which database, never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        string database = string.IsNullOrEmpty(builder.Database) ? "(default database)" : builder.Database;
        string user = string.IsNullOrEmpty(builder.Username) ? "" : $" (user {builder.Username})";
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{database}{user}");
    }

    /// <summary>The connection string with any password replaced by <c>***</c>; for display only.</summary>
    public static string Redact(NpgsqlConnectionStringBuilder builder)
    {
        var copy = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (!string.IsNullOrEmpty(copy.Password))
        {
            copy.Password = "***";
        }
        return copy.ConnectionString;
    }

    private static bool TryParseKeywords(string text, out NpgsqlConnectionStringBuilder builder, out string error)
    {
        builder = new NpgsqlConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql's messages name the keyword, but an inner exception may quote the value: use the outer one only.
            error = $"The PostgreSQL connection string is malformed: {e.Message}";
            return false;
        }
        error = "";
        return true;
    }

    private static bool TryParseUrl(string text, out NpgsqlConnectionStringBuilder builder, out string error)
    {
        builder = new NpgsqlConnectionStringBuilder();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = "The PostgreSQL URL is malformed; expected postgres://user:password@host:port/database "
                + "(percent-encode reserved characters in the user name and password).";
            return false;
        }
        builder.Host = uri.DnsSafeHost;
        builder.Port = uri.Port > 0 ? uri.Port : DefaultPort;
        string userInfo = uri.UserInfo;
        if (userInfo.Length > 0)
        {
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }
        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            string value = Uri.UnescapeDataString(equals < 0 ? "" : pair[(equals + 1)..]);
            try
            {
                builder[UrlKeywords.GetValueOrDefault(key.ToLowerInvariant(), key)] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                error = $"The PostgreSQL URL parameter \"{key}\" is not a connection setting Npgsql accepts, or its value is invalid.";
                return false;
            }
        }
        error = "";
        return true;
    }

    /// <summary>libpq URL parameter names that differ from Npgsql keywords.</summary>
    private static readonly Dictionary<string, string> UrlKeywords = new(StringComparer.Ordinal)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
    };

    /// <summary>Removes any password-like value found in <paramref name="source"/> from <paramref name="message"/>.</summary>
    internal static string Scrub(string message, string source)
    {
        foreach (Match match in PasswordKeyword().Matches(source))
        {
            message = Hide(message, match.Groups["value"].Value.Trim().Trim('\'', '"'));
        }
        foreach (Match match in UrlPassword().Matches(source))
        {
            string value = match.Groups["value"].Value;
            message = Hide(Hide(message, value), Uri.UnescapeDataString(value));
        }
        return message;
    }

    private static string Hide(string message, string secret) =>
        secret.Length == 0 ? message : message.Replace(secret, "***", StringComparison.Ordinal);

    [GeneratedRegex(@"(?:password|pwd|psw)\s*=\s*(?<value>'[^']*'|""[^""]*""|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordKeyword();

    [GeneratedRegex(@"://[^/@:]*:(?<value>[^@]*)@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}

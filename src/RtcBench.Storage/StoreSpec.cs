namespace RtcBench.Storage;

/// <summary>A parsed store specification, e.g. <c>sqlite:~/.rtcbench/results.db</c>.</summary>
/// <param name="Kind">Which store.</param>
/// <param name="Target">
/// For SQLite, the full path of the database file (<c>~/</c> already expanded). For PostgreSQL, the Npgsql
/// connection string (URL forms converted); it may hold a password, so show <see cref="Display"/> instead.
/// </param>
/// <param name="Display">The target as it may be shown or logged: for PostgreSQL, any password replaced by ***.</param>
public sealed record StoreSpec(StoreKind Kind, string Target, string Display)
{
    /// <summary>A specification whose target holds no secret (SQLite): shown as it is.</summary>
    public StoreSpec(StoreKind kind, string target)
        : this(kind, target, target)
    {
    }

    /// <summary>The kind and the redacted target; never the password.</summary>
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Display}";
}

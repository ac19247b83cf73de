namespace RtcBench.Storage;

/// <summary>The kinds of result store a <see cref="StoreSpec"/> can name.</summary>
public enum StoreKind
{
    /// <summary>A SQLite database file (<c>sqlite:PATH</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<c>postgres:CONNSTRING</c> or <c>postgres://user:pass@host:port/db</c>).</summary>
    Postgres,
}

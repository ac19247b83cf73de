using Npgsql;
using RtcBench.Storage.Ado;
using RtcBench.Storage.Postgres;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>
/// A store at schema version 5 (plain runs and pings tables, before month partitions) holding the same rows as a
/// current store: schema <c>v5</c> of the same database, built by the shipped migrations 0001..0005 and filled with
/// INSERT … SELECT from the current store in <c>public</c>.
/// </summary>
internal static class PostgresVersion5
{
    public const string Schema = "v5";

    /// <summary>Builds the copy; returns a connection string whose search path is the copy's schema.</summary>
    public static async Task<string> CopyAsync(PostgresServer server, string database, CancellationToken ct)
    {
        await server.ExecuteAsync(database, $"CREATE SCHEMA {Schema};", ct);
        string connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString(database)) { SearchPath = Schema }.ConnectionString;
        await using (var store = new PostgresResultStore(connectionString, PostgresDialect.Instance.Migrations.Take(5).ToList(), TimeProvider.System))
        {
            var report = await store.InitializeAsync(ct);
            Assert.Equal((0, 5), (report.FromVersion, report.ToVersion));
        }
        Assert.Equal(0L, await server.ScalarAsync<long>(
            database, $"SELECT COUNT(*) FROM pg_partitioned_table t JOIN pg_class c ON c.oid = t.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{Schema}';", ct));
        string runs = await ColumnsAsync(server, database, "runs", ct);
        string pings = await ColumnsAsync(server, database, "pings", ct);
        string rollups = await ColumnsAsync(server, database, "rollups", ct);
        await server.ExecuteAsync(
            database,
            $"INSERT INTO {Schema}.runs ({runs}) SELECT {runs} FROM public.runs; "
            + $"INSERT INTO {Schema}.pings ({pings}) SELECT {pings} FROM public.pings; "
            // A version-5 store has no six-hour or four-week rows (migration 0008 adds them).
            + $"INSERT INTO {Schema}.rollups ({rollups}) SELECT {rollups} FROM public.rollups WHERE grain_s NOT IN (21600, 2419200);",
            ct);
        return connectionString;
    }

    private static Task<string> ColumnsAsync(PostgresServer server, string database, string table, CancellationToken ct) =>
        server.ScalarAsync<string>(
            database,
            "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns "
            + $"WHERE table_schema = '{Schema}' AND table_name = '{table}';",
            ct);
}

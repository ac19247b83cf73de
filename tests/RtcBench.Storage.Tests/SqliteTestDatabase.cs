using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RtcBench.Storage.Tests;

/// <summary>Raw access to a test's SQLite file, bypassing the store (no pooling, so nothing stays open).</summary>
public static class SqliteTestDatabase
{
    public static async Task<SqliteConnection> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, ForeignKeys = true }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public static async Task<long> ScalarAsync(string path, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public static async Task<string> TextAsync(string path, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
    }

    public static async Task ExecuteAsync(string path, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using RtcBench.Storage.Postgres;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>The store contract on a real PostgreSQL server: one fresh database per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresResultStoreTests(PostgresServer server) : ResultStoreContractTests
{
    private string? _database;

    protected override async Task<IResultStore> CreateStoreAsync()
    {
        _database ??= await server.CreateDatabaseAsync(Ct);
        return new PostgresResultStore(server.ConnectionString(_database));
    }

    protected override async Task DisposeDatabaseAsync()
    {
        if (_database is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.DropDatabaseAsync(_database, timeout.Token);
        }
    }
}

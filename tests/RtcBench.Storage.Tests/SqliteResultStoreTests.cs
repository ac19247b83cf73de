using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage.Tests;

/// <summary>The store contract on SQLite: one database file per test in its own temp directory.</summary>
public sealed class SqliteResultStoreTests : ResultStoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override Task<IResultStore> CreateStoreAsync() =>
        Task.FromResult<IResultStore>(new SqliteResultStore(_directory.File("results.db")));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _directory.Dispose();
        }
        base.Dispose(disposing);
    }
}

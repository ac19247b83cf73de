namespace RtcBench.Storage.Tests.Postgres;

/// <summary>
/// The test classes that share one throwaway <see cref="PostgresServer"/> (started once, about a second). Classes in
/// this collection run one after another; each test gets its own database on the server.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}

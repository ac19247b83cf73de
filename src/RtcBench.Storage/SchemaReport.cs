namespace RtcBench.Storage;

/// <summary>What <see cref="IResultStore.InitializeAsync"/> found and did to a store's schema.</summary>
/// <param name="Created">The store had no RtcBench schema before (a new SQLite file, or a PostgreSQL database without our tables).</param>
/// <param name="FromVersion">The schema version found (0: none).</param>
/// <param name="ToVersion">The schema version now (this build's latest).</param>
/// <param name="Applied">The migrations applied, by name (e.g. <c>0002_outcome_evidence.sql</c>), oldest first; empty when up to date.</param>
public sealed record SchemaReport(bool Created, int FromVersion, int ToVersion, IReadOnlyList<string> Applied)
{
    /// <summary>Nothing was needed.</summary>
    public bool UpToDate => Applied.Count == 0;
}

namespace RtcBench.Storage.Ado;

/// <summary>One schema migration: its version (from the file name's leading digits), name and SQL.</summary>
internal sealed record Migration(int Version, string Name, string Sql);

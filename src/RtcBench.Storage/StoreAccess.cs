namespace RtcBench.Storage;

/// <summary>How <see cref="ResultStoreFactory.Open(string, StoreAccess)"/> opens a store.</summary>
public enum StoreAccess
{
    /// <summary>Create the store (SQLite file and directories, or the schema) when it does not exist: for writers.</summary>
    CreateIfMissing,

    /// <summary>
    /// The store must exist: initialisation throws <see cref="StoreNotFoundException"/> instead of creating it. For
    /// readers (<c>results list/show</c>): a mistyped path is an error, not a new empty store. An existing store with
    /// an older schema is still upgraded.
    /// </summary>
    ReadExisting,
}

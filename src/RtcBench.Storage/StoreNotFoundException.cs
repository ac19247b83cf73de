namespace RtcBench.Storage;

/// <summary>
/// A store opened for reading only (<see cref="StoreAccess.ReadExisting"/>) does not exist: no SQLite file at its
/// path, or a PostgreSQL database that does not exist or holds no RtcBench schema. Reads never create a store.
/// </summary>
public sealed class StoreNotFoundException : Exception
{
    public StoreNotFoundException()
    {
    }

    public StoreNotFoundException(string message)
        : base(message)
    {
    }

    public StoreNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace RtcBench.Storage;

/// <summary>What <see cref="IResultStore.SaveRunAsync"/> did.</summary>
public enum SaveOutcome
{
    /// <summary>The run was new and is now stored.</summary>
    Inserted,

    /// <summary>A run with this id was already stored; nothing changed.</summary>
    AlreadyExists,
}

namespace RtcBench.Storage;

/// <summary>A parsed store specification, e.g. <c>sqlite:~/.rtcbench/results.db</c>.</summary>
/// <param name="Kind">Which store.</param>
/// <param name="Target">For SQLite, the full path of the database file (<c>~/</c> already expanded).</param>
public sealed record StoreSpec(StoreKind Kind, string Target);

namespace RtcBench.Server.Runners;

/// <summary>
/// The latest report of each runner (<c>POST /api/runners/heartbeat</c>), in memory: at most <c>capacity</c> runners,
/// each forgotten <c>expiry</c> after its last report, so the series on <c>/metrics</c> stay bounded however many
/// runner names are posted. A new runner beyond the limit is refused; known runners always update. After a restart of
/// the service the runners reappear at their next report.
/// </summary>
internal sealed class RunnerRegistry(int capacity, TimeSpan expiry, TimeProvider time)
{
    private readonly Dictionary<string, Entry> _runners = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A runner's last report and when the service received it.</summary>
    internal sealed record Entry(string RunnerId, string Location, int Pending, double OldestAgeSeconds, long Bytes, int Rejected, DateTimeOffset ReceivedAt);

    public int Capacity => capacity;

    public TimeSpan Expiry => expiry;

    /// <summary>Keeps the report; false (nothing kept) when it names a new runner and <c>capacity</c> are tracked.</summary>
    public bool Record(string runnerId, string location, int pending, double oldestAgeSeconds, long bytes, int rejected)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            ExpireLocked(now);
            if (!_runners.ContainsKey(runnerId) && _runners.Count >= capacity)
            {
                return false;
            }
            _runners[runnerId] = new Entry(runnerId, location, pending, oldestAgeSeconds, bytes, rejected, now);
            return true;
        }
    }

    /// <summary>The runners known now (expired ones dropped first), and the time of the reading.</summary>
    public (IReadOnlyList<Entry> Runners, DateTimeOffset Now) Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            ExpireLocked(now);
            return (_runners.Values.ToList(), now);
        }
    }

    private void ExpireLocked(DateTimeOffset now)
    {
        List<string>? gone = null;
        foreach (var (id, entry) in _runners)
        {
            if (now - entry.ReceivedAt > expiry)
            {
                (gone ??= []).Add(id);
            }
        }
        foreach (string id in gone ?? [])
        {
            _runners.Remove(id);
        }
    }
}

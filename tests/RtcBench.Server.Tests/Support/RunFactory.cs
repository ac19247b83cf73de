using RtcBench.Core.Results;
using RtcBench.Storage.Tests;

namespace RtcBench.Server.Tests.Support;

/// <summary>
/// Result documents with chosen ok-ping RTTs (in send order) and lost pings, made by the runner's own code
/// (<see cref="RunnerDocuments"/>: a real ping session and result builder), so the service sees exactly what a runner
/// would post, and its recomputation of the statistics agrees.
/// </summary>
public static class RunFactory
{
    public static readonly DateTimeOffset BaseTime = RunnerDocuments.BaseTime;

    /// <param name="rttsMs">The ok pings' RTTs in ms, in seq order (one ping every 100 ms from the start).</param>
    /// <param name="lost">Lost pings, placed after the ok ones.</param>
    public static RunResult Create(
        double[] rttsMs, int lost = 0, DateTimeOffset? startedAt = null, string platform = "udp",
        string? location = "eu-west-1", string channel = "lossy")
    {
        var rtts = rttsMs.Select(r => (double?)r).Concat(Enumerable.Repeat<double?>(null, lost)).ToArray();
        if (rtts.Length == 0)
        {
            // A run needs at least one scheduled ping: one that was never sent (the run failed before it).
            return RunnerDocuments.Create([], notSent: 1, startedAt: startedAt, platform: platform, location: location, channel: channel);
        }
        return RunnerDocuments.Create(rtts, startedAt: startedAt, platform: platform, location: location, channel: channel);
    }
}

using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Contracts;

/// <summary>GET /api/results/latest: the newest run per platform × location.</summary>
public sealed record LatestResponse
{
    public required IReadOnlyList<RunSummary> Runs { get; init; }
}

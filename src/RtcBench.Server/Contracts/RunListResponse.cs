using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Contracts;

/// <summary>GET /api/runs: one page of run summaries, newest first.</summary>
public sealed record RunListResponse
{
    public required IReadOnlyList<RunSummary> Items { get; init; }

    public long Total { get; init; }

    public int Limit { get; init; }

    public int Offset { get; init; }
}

using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Contracts;

/// <summary>GET /api/results/locations.</summary>
public sealed record LocationsResponse
{
    public required IReadOnlyList<LocationSummary> Locations { get; init; }
}

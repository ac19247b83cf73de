namespace RtcBench.Server.Contracts;

/// <summary>GET /health.</summary>
public sealed record HealthResponse
{
    /// <summary>ok or unavailable.</summary>
    public required string Status { get; init; }

    public required string Store { get; init; }

    public required string Version { get; init; }
}

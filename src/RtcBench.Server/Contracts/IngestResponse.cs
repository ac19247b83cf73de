namespace RtcBench.Server.Contracts;

/// <summary>The answer to POST /api/runs, identical for the first post (201) and every repeat (200).</summary>
public sealed record IngestResponse
{
    public required string RunId { get; init; }

    /// <summary>Where the stored run is: /api/runs/{run_id}.</summary>
    public required string Url { get; init; }
}

namespace RtcBench.Server.Contracts;

/// <summary>The data of a <c>run</c> event on <c>GET /api/events</c>: a run was stored for the first time.</summary>
public sealed record RunIngestedEvent
{
    public required string RunId { get; init; }

    public required string Platform { get; init; }

    public string? Location { get; init; }

    public required string Channel { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Where the stored document is: <c>/api/runs/{run_id}</c>.</summary>
    public required string Url { get; init; }
}

namespace RtcBench.Core.Results;

/// <summary>Who, where and what of a run: everything in a <see cref="RunResult"/> that is not measured.</summary>
public sealed record RunMetadata
{
    public required string Platform { get; init; }

    public required string Channel { get; init; }

    public string? TransportMode { get; init; }

    public string? Location { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public string? AgentLocation { get; init; }

    public string? RunnerHost { get; init; }

    public required string ToolVersion { get; init; }

    public PathInfo? Path { get; init; }
}

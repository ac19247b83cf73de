using RtcBench.Core.Measurement;

namespace RtcBench.Runner;

/// <summary>Everything one <c>rtcbench run</c> needs.</summary>
public sealed record BenchmarkOptions
{
    public required Uri AgentUrl { get; init; }

    /// <summary>Sent as X-Api-Key; never logged.</summary>
    public string? ApiKey { get; init; }

    public required IReadOnlyList<string> Platforms { get; init; }

    public RunConfig Config { get; init; } = new();

    /// <summary>Which channels to measure (e.g. ["reliable"]); null measures every channel a platform offers.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    public string? Location { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public string? RunnerHost { get; init; }

    /// <summary>The Daily topology to ask the agent for ("sfu" or "p2p"); sent in /connect only when measuring daily.</summary>
    public string? DailyTopology { get; init; }

    /// <summary>The janus path to ask the agent for ("sfu" or "textroom"); sent in /connect only when measuring janus.</summary>
    public string? JanusPath { get; init; }

    /// <summary>How long the echo may take to answer its first readiness probe.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

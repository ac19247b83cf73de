namespace RtcBench.Runner;

/// <summary>What <c>GET /health</c> returned.</summary>
public sealed record AgentHealth(string Status, string? Version, IReadOnlyList<string> Platforms);

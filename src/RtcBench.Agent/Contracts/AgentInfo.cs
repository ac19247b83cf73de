namespace RtcBench.Agent.Contracts;

/// <summary>The agent block of a /connect answer.</summary>
internal sealed record AgentInfo(string Version, string? Location);

namespace RtcBench.Agent.Platforms;

/// <summary>The <c>direct</c> platform's credentials: where to POST the SDP offer (relative to the agent URL) and the
/// room token to present as <c>Authorization: Bearer</c> (32 lower hex).</summary>
internal sealed record DirectRoomCredentials(string SignalUrl, string Token);

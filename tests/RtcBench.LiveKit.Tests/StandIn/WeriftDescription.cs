namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>A local description werift set, and the host candidates it gathered for it (trickled apart, as LiveKit does).</summary>
internal sealed record WeriftDescription(string Sdp, IReadOnlyList<string> Candidates);

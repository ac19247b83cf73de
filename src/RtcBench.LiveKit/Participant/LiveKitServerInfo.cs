namespace RtcBench.LiveKit.Participant;

/// <summary>What the server said about itself in JoinResponse.server_info (with the deprecated fields as fallback).</summary>
public sealed record LiveKitServerInfo(string Edition, string Version, int Protocol, string Region, string NodeId);

namespace RtcBench.Janus.Client;

/// <summary>How a session ended and why, in words a person can act on.</summary>
public sealed record JanusSessionEnd(JanusSessionEndKind Kind, string Reason)
{
    public override string ToString() => $"{Kind}: {Reason}";
}

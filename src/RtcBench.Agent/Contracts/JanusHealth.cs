namespace RtcBench.Agent.Contracts;

/// <summary>
/// The <c>janus</c> block of GET /health: the Janus API the agent uses (its URL without any secret), rooms open and the
/// counts since start, and the last time Janus refused or could not be reached (its reason, never a secret).
/// </summary>
internal sealed record JanusHealth(
    string Url,
    int RoomsOpen,
    long RoomsCreated,
    long SetupFailures,
    long RoomsDestroyed,
    long DestroyFailures,
    string? LastError,
    DateTime? LastErrorAt);

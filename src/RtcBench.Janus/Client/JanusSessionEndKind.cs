namespace RtcBench.Janus.Client;

/// <summary>Why a Janus session ended.</summary>
public enum JanusSessionEndKind
{
    /// <summary>We destroyed it (<see cref="JanusSession.DestroyAsync"/>).</summary>
    Destroyed,

    /// <summary>Janus expired it (<c>timeout</c> event): no keepalive or long-poll within its session timeout.</summary>
    TimedOut,

    /// <summary>Janus no longer knows it (458 on a poll or keepalive): Janus restarted, or it was destroyed elsewhere.</summary>
    NotFound,

    /// <summary>Janus refused the session's poll or keepalive for another reason (e.g. 403: the API secret changed).</summary>
    Refused,

    /// <summary>The transport broke: the WebSocket closed, or the long-poll failed repeatedly (Janus down?).</summary>
    TransportLost,
}

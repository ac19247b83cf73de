namespace RtcBench.Janus.Transport;

/// <summary>How the client talks to Janus: its REST transport (requests by POST, events by long-poll) or its WebSocket transport (<c>janus-protocol</c>).</summary>
public enum JanusTransportKind
{
    Http,
    WebSocket,
}

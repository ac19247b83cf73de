using RtcBench.Janus.Api;

namespace RtcBench.Janus.Transport;

/// <summary>
/// One way of carrying the Janus API: requests with their direct reply (<c>success</c>, <c>error</c>, <c>ack</c>,
/// <c>server_info</c>; on WebSocket possibly the <c>event</c> itself when it overtakes its <c>ack</c>), and each
/// subscribed session's events pushed to its sink. Credentials are the transport's: they go into every request.
/// </summary>
internal interface IJanusTransport : IAsyncDisposable
{
    JanusTransportKind Kind { get; }

    /// <summary>Messages received that were not Janus messages (dropped).</summary>
    long Malformed { get; }

    /// <summary><c>GET /info</c> (HTTP) or <c>{"janus":"info"}</c> (WebSocket).</summary>
    Task<JanusMessage> InfoAsync(string transaction, CancellationToken ct);

    /// <summary>Sends the request and returns Janus's direct reply. Throws <see cref="JanusTransportException"/> or <see cref="JanusProtocolException"/>.</summary>
    Task<JanusMessage> SendAsync(JanusRequest request, CancellationToken ct);

    /// <summary>Starts delivering a session's events (HTTP: a long-poll loop; WebSocket: routing by session_id).</summary>
    void Subscribe(long sessionId, IJanusEventSink sink);

    /// <summary>Stops delivering a session's events (no <see cref="IJanusEventSink.OnLost"/> follows).</summary>
    void Unsubscribe(long sessionId);
}

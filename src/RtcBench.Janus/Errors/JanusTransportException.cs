namespace RtcBench.Janus;

/// <summary>
/// Janus was not reached (connection refused, DNS, TLS, an HTTP status that is not a Janus reply) or the
/// connection broke (the WebSocket closed, the long-poll failed repeatedly). The message names the transport and
/// the cause, never a URL query (it may hold the API secret).
/// </summary>
public sealed class JanusTransportException : JanusException
{
    public JanusTransportException(string message, Exception? inner = null, int httpStatus = 0)
        : base(message, inner)
    {
        HttpStatus = httpStatus;
    }

    /// <summary>The HTTP status when Janus's web server answered with one (0 when nothing answered).</summary>
    public int HttpStatus { get; }
}

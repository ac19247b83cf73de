namespace RtcBench.Janus;

/// <summary>
/// Something the Janus server said or did that ends a request: the base of <see cref="JanusApiException"/> (the core
/// refused), <see cref="JanusPluginException"/> (the plugin refused), <see cref="JanusTransportException"/> (not
/// reached, or the connection broke), <see cref="JanusTimeoutException"/> (no reply in time) and
/// <see cref="JanusProtocolException"/> (a reply this client cannot use). Messages never contain a secret.
/// </summary>
public abstract class JanusException : Exception
{
    protected JanusException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

namespace RtcBench.Janus;

/// <summary>Janus answered with something this client cannot use: not a Janus message, or a reply without what the request needs (a session id, a JSEP).</summary>
public sealed class JanusProtocolException : JanusException
{
    public JanusProtocolException(string message)
        : base(message)
    {
    }
}

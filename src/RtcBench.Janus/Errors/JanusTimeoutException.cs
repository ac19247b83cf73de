namespace RtcBench.Janus;

/// <summary>No reply (or no asynchronous event after an <c>ack</c>) within the configured time.</summary>
public sealed class JanusTimeoutException : JanusException
{
    public JanusTimeoutException(string message)
        : base(message)
    {
    }
}

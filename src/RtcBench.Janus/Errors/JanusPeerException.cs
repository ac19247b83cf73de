namespace RtcBench.Janus;

/// <summary>
/// Our WebRTC connection through Janus failed (ICE, DTLS, SCTP or a channel did not come up, with our stack's reason)
/// or Janus hung it up (with Janus's reason, e.g. "DTLS alert").
/// </summary>
public sealed class JanusPeerException : JanusException
{
    public JanusPeerException(string message)
        : base(message)
    {
    }
}

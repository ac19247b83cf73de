namespace RtcBench.Platforms;

/// <summary>
/// Receives every message a transport delivers, with the receive time (monotonic ns) taken in the transport's
/// receive path before any parsing or queueing. Called on the transport's receive thread: must not block.
/// </summary>
public interface IMessageSink
{
    void OnMessage(ReadOnlySpan<byte> message, long receivedNs);
}

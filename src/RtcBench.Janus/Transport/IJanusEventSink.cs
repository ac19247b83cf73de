using RtcBench.Janus.Api;

namespace RtcBench.Janus.Transport;

/// <summary>Where a transport delivers the events of one session (called on the transport's reader: keep it short).</summary>
internal interface IJanusEventSink
{
    /// <summary>An event for this session (anything that is not the direct reply to a request).</summary>
    void OnEvent(JanusMessage message);

    /// <summary>The transport can no longer deliver this session's events (called at most once per subscription).</summary>
    void OnLost(JanusException reason);
}

namespace RtcBench.Janus.Api;

/// <summary>The <c>"janus"</c> field of a message from Janus (PROTOCOLS.md §2 B2).</summary>
public enum JanusMessageKind
{
    /// <summary>A value this client does not know (kept in <see cref="JanusMessage.KindText"/>).</summary>
    Other,

    /// <summary>Synchronous success (<c>data</c>, or <c>plugindata</c> for a synchronous plugin request).</summary>
    Success,
    Error,

    /// <summary>An asynchronous request was accepted; its <see cref="Event"/> follows with the same transaction.</summary>
    Ack,

    /// <summary>A plugin event (<c>plugindata</c>, maybe <c>jsep</c>); with a transaction when it answers a request.</summary>
    Event,
    ServerInfo,

    /// <summary>The handle's PeerConnection is up (ICE and DTLS done).</summary>
    WebRtcUp,

    /// <summary>Janus started or stopped receiving a medium.</summary>
    Media,

    /// <summary>Janus sees loss on a medium (<c>uplink</c>: on what it receives from us).</summary>
    SlowLink,

    /// <summary>The handle's PeerConnection is gone (<c>reason</c>).</summary>
    Hangup,

    /// <summary>The handle was detached (by us or by the plugin).</summary>
    Detached,

    /// <summary>The session expired: nothing (no keepalive, no long-poll) within the session timeout.</summary>
    Timeout,

    /// <summary>A candidate from Janus (full-trickle mode only).</summary>
    Trickle,

    /// <summary>A long-poll that had nothing to deliver.</summary>
    Keepalive,
}

namespace RtcBench.Platforms.Daily.Browser;

/// <summary>A call page's counters and the browser's CPU time, as read at one moment.</summary>
public sealed record DailyPageStats
{
    public string? Topology { get; init; }

    public string? MeetingState { get; init; }

    public bool PeerPresent { get; init; }

    public long Sent { get; init; }

    public long Received { get; init; }

    public long Echoed { get; init; }

    /// <summary>Pings the runner page could not send because no echo participant was in the call.</summary>
    public long NoPeer { get; init; }

    public long SendErrors { get; init; }

    public string? LastError { get; init; }

    /// <summary>RTCDataChannel.send calls, and how many of them carried a ping or pong.</summary>
    public long DataChannelSends { get; init; }

    public long DataChannelPings { get; init; }

    /// <summary>WebSocket.send calls, and how many of them carried a ping or pong.</summary>
    public long WebSocketSends { get; init; }

    public long WebSocketPings { get; init; }

    /// <summary>The page's main-thread task time (CDP Performance.getMetrics TaskDuration), in ms; null if unavailable.</summary>
    public double? TaskDurationMs { get; init; }

    /// <summary>Which transport carried the benchmark messages: "datachannel", "websocket", "both" or "unknown".</summary>
    public string Transport => (DataChannelPings > 0, WebSocketPings > 0) switch
    {
        (true, false) => "datachannel",
        (false, true) => "websocket",
        (true, true) => "both",
        _ => "unknown",
    };
}

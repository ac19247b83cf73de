using Microsoft.Extensions.Logging;
using RtcBench.Janus.Client;

namespace RtcBench.Janus;

/// <summary>Every log message of the Janus client (source-generated). Never pass a secret, a URL query or an SDP.</summary>
internal static partial class JanusLog
{
    [LoggerMessage(1, LogLevel.Debug, "Janus session {Session} created over {Transport}")]
    public static partial void SessionCreated(ILogger logger, long session, string transport);

    [LoggerMessage(2, LogLevel.Debug, "Janus session {Session}: attached {Plugin} as handle {Handle}")]
    public static partial void HandleAttached(ILogger logger, long session, string plugin, long handle);

    [LoggerMessage(3, LogLevel.Information, "Janus session {Session} ended ({Kind}): {Reason}")]
    public static partial void SessionEnded(ILogger logger, long session, JanusSessionEndKind kind, string reason);

    [LoggerMessage(4, LogLevel.Information, "Janus handle {Handle} ({Plugin}) hung up: {Reason}")]
    public static partial void HandleHungUp(ILogger logger, long handle, string plugin, string reason);

    [LoggerMessage(5, LogLevel.Information, "Janus handle {Handle} reports slow link ({Media}, uplink {Uplink}, {Lost} lost/s)")]
    public static partial void SlowLink(ILogger logger, long handle, string media, bool uplink, int lost);

    [LoggerMessage(6, LogLevel.Debug, "Janus handle {Handle} ({Plugin}) detached")]
    public static partial void HandleDetached(ILogger logger, long handle, string plugin);

    [LoggerMessage(7, LogLevel.Debug, "Dropped a {Transport} message from Janus that is not a Janus message ({Bytes} bytes)")]
    public static partial void Malformed(ILogger logger, string transport, int bytes);

    [LoggerMessage(8, LogLevel.Warning, "Janus long-poll for session {Session} failed (attempt {Attempt}): {Reason}")]
    public static partial void LongPollFailed(ILogger logger, long session, int attempt, string reason);

    [LoggerMessage(9, LogLevel.Warning, "Janus keepalive for session {Session} failed: {Reason}")]
    public static partial void KeepaliveFailed(ILogger logger, long session, string reason);

    [LoggerMessage(10, LogLevel.Debug, "Janus session {Session}: dropped a '{Kind}' event for no known handle")]
    public static partial void Unrouted(ILogger logger, long session, string kind);

    [LoggerMessage(11, LogLevel.Information, "Janus WebSocket closed: {Reason}")]
    public static partial void WebSocketClosed(ILogger logger, string reason);

    [LoggerMessage(12, LogLevel.Debug, "Janus clean-up step '{Step}' failed: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string step, string reason);
}

using Microsoft.Extensions.Logging;

namespace RtcBench.Agent;

/// <summary>The janus platform's log messages (never a secret, a PIN or a URL query).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(60, LogLevel.Information, "Janus {Path} room {JanusRoom}: echo ready for agent room {RoomId}")]
    public static partial void JanusRoomReady(ILogger logger, string path, long janusRoom, string roomId);

    [LoggerMessage(61, LogLevel.Warning, "Janus {Path} room for agent room {RoomId} could not be set up: {Reason}")]
    public static partial void JanusRoomFailed(ILogger logger, string path, string roomId, string reason);

    [LoggerMessage(62, LogLevel.Information, "Janus {Path} room {JanusRoom}: echo left ({Reason}) after {Echoed} pongs, {Malformed} malformed; room {State}")]
    public static partial void JanusRoomClosed(ILogger logger, string path, long janusRoom, string reason, long echoed, long malformed, string state);

    [LoggerMessage(63, LogLevel.Warning, "Janus {Path} room {JanusRoom}: the echo could not subscribe to the runner: {Reason}")]
    public static partial void JanusSubscribeFailed(ILogger logger, string path, long janusRoom, string reason);
}

using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Platforms;

/// <summary>Log messages of the direct echo (source-generated). Never pass tokens, ICE passwords or SDP.</summary>
internal static partial class DirectEchoLog
{
    [LoggerMessage(101, LogLevel.Information, "Direct peer of room {RoomId} ended: {Outcome}")]
    public static partial void PeerEnded(ILogger logger, string roomId, string outcome);
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent;

/// <summary>Every log message of the agent (source-generated). Never pass tokens or API keys.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(1, LogLevel.Information, "Echo agent listening on {BaseUrl} (UDP echo on {UdpEndpoint}, API key {AuthState})")]
    public static partial void Started(ILogger logger, Uri baseUrl, IPEndPoint udpEndpoint, string authState);

    [LoggerMessage(2, LogLevel.Information, "Room {RoomId} created for {Platforms}, expires {ExpiresAt:o}")]
    public static partial void RoomCreated(ILogger logger, string roomId, string platforms, DateTimeOffset expiresAt);

    [LoggerMessage(3, LogLevel.Information, "Room {RoomId} closed ({Reason}) for {Platforms}")]
    public static partial void RoomClosed(ILogger logger, string roomId, string platforms, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Room limit of {MaxRooms} reached; refusing a new room")]
    public static partial void RoomLimitReached(ILogger logger, int maxRooms);

    [LoggerMessage(5, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(6, LogLevel.Error, "Room sweep failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Echo agent stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "Rejected {Method} {Path}: missing or wrong API key")]
    public static partial void Unauthorized(ILogger logger, string method, string path);
}

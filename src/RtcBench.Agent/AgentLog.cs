using System.Net;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent;

/// <summary>Every log message of the agent (source-generated). Never pass tokens or API keys.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(1, LogLevel.Information, "Echo agent listening on {BaseUrl} (UDP echo on {UdpEndpoint}, API key {AuthState}); platforms: {Platforms}")]
    public static partial void Started(ILogger logger, Uri baseUrl, IPEndPoint udpEndpoint, string authState, string platforms);

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

    [LoggerMessage(8, LogLevel.Information, "Daily room {RoomName} created ({Topology}); echo page joined with daily-js {DailyJsVersion}")]
    public static partial void DailyRoomReady(ILogger logger, string roomName, string topology, string? dailyJsVersion);

    [LoggerMessage(9, LogLevel.Warning, "Daily room {RoomName}: clean-up failed ({Reason}); it expires on its own")]
    public static partial void DailyCleanupFailed(ILogger logger, string roomName, string reason);

    [LoggerMessage(10, LogLevel.Information, "Daily room {RoomName} closed: echo page closed, room deleted={Deleted}")]
    public static partial void DailyRoomClosed(ILogger logger, string roomName, bool deleted);

    [LoggerMessage(11, LogLevel.Information, "LiveKit room {RoomName} created; echo {EchoIdentity} joined (server region {Region}, node {Node})")]
    public static partial void LiveKitRoomReady(ILogger logger, string roomName, string echoIdentity, string? region, string? node);

    [LoggerMessage(12, LogLevel.Warning, "LiveKit room {RoomName} could not be set up: {Reason}")]
    public static partial void LiveKitRoomFailed(ILogger logger, string roomName, string reason);

    [LoggerMessage(13, LogLevel.Information, "LiveKit room {RoomName}: echo left ({Reason}) after {Echoed} pongs, {Malformed} malformed")]
    public static partial void LiveKitEchoLeft(ILogger logger, string roomName, string reason, long echoed, long malformed);

    [LoggerMessage(14, LogLevel.Information, "LiveKit room {RoomName}: {State}")]
    public static partial void LiveKitRoomDeleted(ILogger logger, string roomName, string state);

    [LoggerMessage(15, LogLevel.Warning, "LiveKit room {RoomName}: deleting it failed ({Reason}); LiveKit closes it after its departure timeout")]
    public static partial void LiveKitCleanupFailed(ILogger logger, string roomName, string reason);

    [LoggerMessage(16, LogLevel.Warning, "Rejected {Method} {Path}: missing or wrong API key")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    /// <summary>
    /// The one line a client fault (a slow, aborted, oversized or malformed request) may write: no exception, no
    /// stack trace, nothing the client sent beyond a shortened path.
    /// </summary>
    [LoggerMessage(17, LogLevel.Information, "Client fault on {Method} {Path}: {Reason}")]
    public static partial void ClientFault(ILogger logger, string method, string path, string reason);

    /// <summary>A request path as logged: at most 120 characters (a client chooses it).</summary>
    public static string ShortPath(string? path) =>
        string.IsNullOrEmpty(path) ? "/" : path.Length <= 120 ? path : string.Concat(path.AsSpan(0, 120), "…");
}

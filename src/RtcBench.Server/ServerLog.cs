using Microsoft.Extensions.Logging;

namespace RtcBench.Server;

/// <summary>Every log message of the results service (source-generated). Never pass the ingest token.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Results service listening on {BaseUrl} (store {Store}, ingest token {AuthState})")]
    public static partial void Started(ILogger logger, Uri baseUrl, string store, string authState);

    [LoggerMessage(2, LogLevel.Information, "Stored run {RunId} ({Platform}, {Location}, {Pings} pings)")]
    public static partial void RunStored(ILogger logger, string runId, string platform, string? location, int pings);

    [LoggerMessage(3, LogLevel.Debug, "Run {RunId} was already stored; nothing changed")]
    public static partial void RunAlreadyStored(ILogger logger, string runId);

    [LoggerMessage(4, LogLevel.Debug, "Answered {Method} {Path} with 503: the result store is unavailable")]
    public static partial void StoreUnavailable(ILogger logger, string method, string path);

    [LoggerMessage(5, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(6, LogLevel.Warning, "Rejected {Method} {Path}: missing or wrong ingest token")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    [LoggerMessage(7, LogLevel.Information, "Results service stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(8, LogLevel.Debug, "Event stream client connected ({Clients} listening)")]
    public static partial void EventClientConnected(ILogger logger, int clients);

    [LoggerMessage(9, LogLevel.Debug, "Event stream client gone ({Clients} listening)")]
    public static partial void EventClientDisconnected(ILogger logger, int clients);

    [LoggerMessage(10, LogLevel.Warning, "Refused an event stream client: {Clients} already listening (the limit)")]
    public static partial void EventClientRefused(ILogger logger, int clients);

    [LoggerMessage(12, LogLevel.Warning, "The result store is unavailable ({Store}: {Reason}); answering 503 with Retry-After until it is back")]
    public static partial void StoreOutageStarted(ILogger logger, string store, string reason);

    [LoggerMessage(13, LogLevel.Information, "The result store is available again ({Store}) after {Seconds:0.0} s; {Refused} requests answered 503")]
    public static partial void StoreOutageEnded(ILogger logger, string store, double seconds, long refused);

    [LoggerMessage(11, LogLevel.Warning, "Refused run {RunId}: a different run is stored under that id (first difference: {Field})")]
    public static partial void RunConflict(ILogger logger, string runId, string field);

    [LoggerMessage(14, LogLevel.Information, "Ping retention: deleted {Pings} raw pings of {Runs} runs that started before {Cutoff:O}; their statistics, histograms and rollups stay")]
    public static partial void PingsPruned(ILogger logger, long pings, long runs, DateTimeOffset cutoff);

    [LoggerMessage(15, LogLevel.Warning, "Ping retention: could not prune pings now ({Error}); trying again in an hour")]
    public static partial void PingPruneFailed(ILogger logger, string error);
}

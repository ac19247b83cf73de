using System.Data.Common;
using System.Net.Sockets;

namespace RtcBench.Server.Http;

/// <summary>Tells a store that cannot be reached (answer 503, retry later) from a bug (answer 500).</summary>
internal static class StoreFailure
{
    /// <summary>Seconds a client should wait before retrying after a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool IsUnavailable(Exception error) => error switch
    {
        DbException or SocketException or TimeoutException or IOException => true,
        // The store was asked to stop waiting (our timeout), not the client going away.
        OperationCanceledException => false,
        _ when error.InnerException is { } inner => IsUnavailable(inner),
        _ => false,
    };
}

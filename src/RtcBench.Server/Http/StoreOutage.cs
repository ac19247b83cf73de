using Microsoft.Extensions.Logging;

namespace RtcBench.Server.Http;

/// <summary>
/// Whether the result store is reachable, as the store calls of all requests see it, and the two log lines per
/// outage: one warning when the first call fails, one line when a call succeeds again (how long it lasted, how many
/// requests were answered 503). Requests during an outage log nothing above Debug, so an outage under load cannot
/// flood the log. Cheap when the store is up: one volatile read per store call.
/// </summary>
internal sealed class StoreOutage(string storeName, ILogger logger, TimeProvider time)
{
    private readonly Lock _gate = new();
    private volatile bool _down;
    private long _startedTimestamp;
    private long _refused;

    public bool IsDown => _down;

    /// <summary>A store call failed because the store cannot be reached.</summary>
    public void Failed(Exception error)
    {
        bool first = false;
        lock (_gate)
        {
            if (!_down)
            {
                _down = true;
                _startedTimestamp = time.GetTimestamp();
                _refused = 0;
                first = true;
            }
        }
        if (first)
        {
            ServerLog.StoreOutageStarted(logger, storeName, Describe(error));
        }
    }

    /// <summary>A request was answered 503 because of the outage.</summary>
    public void Refused(string method, string path)
    {
        lock (_gate)
        {
            _refused++;
        }
        ServerLog.StoreUnavailable(logger, method, path);
    }

    /// <summary>A store call succeeded.</summary>
    public void Succeeded()
    {
        if (!_down)
        {
            return;
        }
        TimeSpan lasted;
        long refused;
        lock (_gate)
        {
            if (!_down)
            {
                return;
            }
            _down = false;
            lasted = time.GetElapsedTime(_startedTimestamp);
            refused = _refused;
        }
        ServerLog.StoreOutageEnded(logger, storeName, lasted.TotalSeconds, refused);
    }

    /// <summary>The exception's type and first line (driver messages name host and port, never a password).</summary>
    private static string Describe(Exception error)
    {
        var inner = error;
        while (inner.InnerException is not null && inner is not System.Data.Common.DbException)
        {
            inner = inner.InnerException;
        }
        string message = inner.Message.Split('\n', 2)[0].Trim();
        if (message.Length > 200)
        {
            message = message[..200] + "…";
        }
        return $"{inner.GetType().Name}: {message}";
    }
}

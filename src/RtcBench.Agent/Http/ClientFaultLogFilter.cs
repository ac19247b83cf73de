using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Http;

/// <summary>
/// The agent's logger factory as handed to ASP.NET Core: Kestrel's own diagnostics below Error (a bad request line, a
/// body over the limit, a client that reset its connection: client faults, logged at Debug) keep their one line but
/// lose the exception, so no client can make the agent write a stack trace, even with <c>--verbose</c>. Kestrel's
/// Error entries (a defect of ours) and every other category pass through unchanged.
/// </summary>
internal sealed class ClientFaultLogFilter(ILoggerFactory inner) : ILoggerFactory
{
    private const string KestrelPrefix = "Microsoft.AspNetCore.Server.Kestrel";

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith(KestrelPrefix, StringComparison.Ordinal) ? new WithoutStackTraces(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The factory belongs to the caller: disposing this wrapper leaves it alone.</summary>
    public void Dispose()
    {
    }

    private sealed class WithoutStackTraces(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is null || logLevel >= LogLevel.Error)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            string message = formatter(state, exception);
            inner.Log(logLevel, eventId, state, null, (_, _) => message);
        }
    }
}

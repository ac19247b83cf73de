using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Tests.Support;

/// <summary>
/// Keeps every log entry of an agent (all levels and categories, ASP.NET Core's and Kestrel's included) so a test can
/// assert what a client fault writes: at most one line, never an exception or a stack trace.
/// </summary>
internal sealed class CapturedLogs : ILoggerFactory
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<Entry, bool> Match, TaskCompletionSource<Entry> Done)> _waiters = [];

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>
    /// What an operator of <c>rtcbench agent</c> sees at its default level: Information and above, except ASP.NET
    /// Core's and the host's own categories below Warning (the CLI filters those: see AgentCommand.CreateLoggerFactory).
    /// </summary>
    public IReadOnlyList<Entry> Visible => [.. _entries.Where(e => e.Level >= LogLevel.Warning
        || (e.Level >= LogLevel.Information && !e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            && !e.Category.StartsWith("Microsoft.Hosting", StringComparison.Ordinal)))];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <summary>Completes with the first entry (already logged or to come) that matches.</summary>
    public Task<Entry> WaitForAsync(Func<Entry, bool> match)
    {
        lock (_gate)
        {
            foreach (var e in _entries)
            {
                if (match(e))
                {
                    return Task.FromResult(e);
                }
            }
            var done = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(AgentHarness.Timeout);
        }
    }

    /// <summary>How many request bodies Kestrel has begun reading so far (its Debug event 25).</summary>
    public int BodyReads => _entries.Count(IsBodyRead);

    /// <summary>
    /// Completes once Kestrel has begun reading its <paramref name="count"/>-th request body, so a test can break a
    /// body off at a known point rather than racing the server. Take <see cref="BodyReads"/> before sending.
    /// </summary>
    public Task<Entry> BodyReadStartedAsync(int count)
    {
        int seen = 0;
        return WaitForAsync(e => IsBodyRead(e) && ++seen >= count);
    }

    /// <summary>The agent's one line for a client fault (AgentLog.ClientFault), or a failure of any kind.</summary>
    public Task<Entry> ClientFaultOrFailureAsync() =>
        WaitForAsync(e => (e.Category == "RtcBench.Agent" && e.EventId == 17) || e.Exception is not null || e.Level >= LogLevel.Error);

    private static bool IsBodyRead(Entry e) => e.Category == "Microsoft.AspNetCore.Server.Kestrel" && e.EventId == 25;

    /// <summary>Asserts that nothing was logged with an exception (a stack trace) or at Error and above.</summary>
    public void AssertNoStackTraceOrError()
    {
        var bad = _entries.Where(e => e.Exception is not null || e.Level >= LogLevel.Error).ToList();
        Assert.True(bad.Count == 0, "logged: " + string.Join(" | ", bad));
    }

    public void Dispose()
    {
    }

    private void Add(Entry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    _waiters[i].Done.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public sealed record Entry(LogLevel Level, string Category, int EventId, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId}]: {Message}{(Exception is null ? "" : " " + Exception)}";
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Add(new Entry(logLevel, category, eventId.Id, formatter(state, exception), exception));
    }
}

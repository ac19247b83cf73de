using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>Keeps every log line (level, event id, text) and completes <see cref="WhenLogged"/> at the first of an event id.</summary>
internal sealed class CapturingLogger(int awaitedEventId) : ILogger
{
    private readonly TaskCompletionSource<string> _awaited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(LogLevel Level, int EventId, string Text)> Lines { get; } = new();

    public Task<string> WhenLogged => _awaited.Task;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string text = formatter(state, exception);
        Lines.Enqueue((logLevel, eventId.Id, text));
        if (eventId.Id == awaitedEventId)
        {
            _awaited.TrySetResult(text);
        }
    }
}

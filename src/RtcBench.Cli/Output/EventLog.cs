using Microsoft.Extensions.Logging;
using RtcBench.Hosting;

namespace RtcBench.Cli.Output;

/// <summary>
/// The event lines of <c>runner</c> on stderr. Text (the default): one line per event, <c>rtcbench runner: …</c>.
/// Json (<c>--log-format json</c> or $RTCBENCH_LOG_FORMAT): one JSON object per event, written by the same console
/// formatter as <c>agent</c> and <c>serve</c> (<see cref="ConsoleLogging"/>): <c>Timestamp</c>, <c>LogLevel</c>,
/// <c>Category</c>, <c>EventId</c>, <c>Message</c> (the text line) and the event's named fields under <c>State</c>
/// (<c>Event</c> always; <c>Job</c>, <c>RunId</c>, <c>Outcome</c>, <c>NextRunAt</c>… as the event has them).
/// Not for hot paths: one event is a handful of allocations.
/// </summary>
internal sealed class EventLog : IDisposable
{
    private readonly TextWriter _text;
    private readonly string _prefix;
    private readonly ILoggerFactory? _factory;
    private readonly ILogger? _logger;

    public EventLog(TextWriter text, string prefix, string category, bool json)
    {
        _text = text;
        _prefix = prefix;
        if (json)
        {
            _factory = ConsoleLogging.Create(LogLevel.Information, json: true);
            _logger = _factory.CreateLogger(category);
        }
    }

    /// <summary>True when events are JSON objects (human-only output such as progress should then stay off stderr).</summary>
    public bool Json => _logger is not null;

    public void Info(string name, string message, params (string Name, object? Value)[] fields) =>
        Write(LogLevel.Information, name, message, fields);

    public void Warning(string name, string message, params (string Name, object? Value)[] fields) =>
        Write(LogLevel.Warning, name, message, fields);

    public void Error(string name, string message, params (string Name, object? Value)[] fields) =>
        Write(LogLevel.Error, name, message, fields);

    private void Write(LogLevel level, string name, string message, (string Name, object? Value)[] fields)
    {
        if (_logger is null)
        {
            _text.WriteLine($"{_prefix}: {message}");
            return;
        }
        var state = new EventState(message, fields.Length + 1) { new("Event", name) };
        foreach (var (field, value) in fields)
        {
            state.Add(new(field, value is DateTimeOffset at ? at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture) : value));
        }
        _logger.Log(level, new EventId(0, name), state, null, (_, _) => message);
    }

    /// <summary>The named fields; its text is the message (the JSON formatter writes it as State.Message, as for agent/serve).</summary>
    private sealed class EventState(string message, int capacity) : List<KeyValuePair<string, object?>>(capacity)
    {
        public override string ToString() => message;
    }

    /// <summary>Flushes the JSON console's queue (it writes from a background thread).</summary>
    public void Dispose() => _factory?.Dispose();
}

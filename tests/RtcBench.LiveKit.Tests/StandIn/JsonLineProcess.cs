using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// A child process (node with one of the scripts in node/) spoken to in JSON lines: commands
/// <c>{"id":N,"op":…,…}</c> on its stdin, written by one writer task in the order they were posted; replies
/// <c>{"re":N,…}</c> (an <c>"error"</c> member makes the call throw) and events <c>{"ev":…,…}</c> on its stdout, read
/// by one reader task. With a <c>linePrefix</c> only stdout lines starting with it are protocol (a library that logs to
/// stdout, as @livekit/rtc-node's pino does, cannot corrupt it); the others go to <c>onOtherLine</c>. When the
/// process ends every pending call fails with the tail of its stderr and <see cref="Exited"/> completes.
/// </summary>
internal sealed class JsonLineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _linePrefix;
    private readonly Action<JsonElement> _onEvent;
    private readonly Action<string>? _onOtherLine;
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _calls = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<string> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;
    private readonly Task _reader;
    private readonly Task _stderrReader;
    private long _nextId;

    private JsonLineProcess(Process process, string? linePrefix, Action<JsonElement> onEvent, Action<string>? onOtherLine)
    {
        _process = process;
        _linePrefix = linePrefix;
        _onEvent = onEvent;
        _onOtherLine = onOtherLine;
        _stderrReader = Task.Run(StderrLoopAsync); // First: the reader awaits it when the process ends.
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes when the process has ended and its output is read, with why (its stderr's tail).</summary>
    public Task<string> Exited => _exited.Task;

    public static JsonLineProcess Start(
        string fileName, IEnumerable<string> arguments, string workingDirectory, Action<JsonElement> onEvent,
        string? linePrefix = null, Action<string>? onOtherLine = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new JsonLineProcess(Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start"), linePrefix, onEvent, onOtherLine);
    }

    /// <summary>Sends a command and waits for its reply; a reply with "error" throws <see cref="NodeCommandException"/>.</summary>
    public async Task<JsonElement> CallAsync(string op, Action<Utf8JsonWriter>? fields = null)
    {
        long id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = reply;
        if (_exited.Task.IsCompleted || !_outbox.Writer.TryWrite(Line(op, id, fields)))
        {
            _calls.TryRemove(id, out _);
            throw new NodeCommandException($"{op}: the process is gone. {StderrTail()}");
        }

        if (_exited.Task.IsCompleted && _calls.TryRemove(id, out _))
        {
            throw new NodeCommandException($"{op}: the process is gone. {StderrTail()}"); // Ended while we queued.
        }

        var result = await reply.Task.ConfigureAwait(false);
        if (result.TryGetProperty("error", out var error))
        {
            throw new NodeCommandException($"{op}: {error.GetString()}");
        }

        return result;
    }

    /// <summary>Queues a command that has no reply. False once the process is gone.</summary>
    public bool Post(string op, Action<Utf8JsonWriter> fields) =>
        !_exited.Task.IsCompleted && _outbox.Writer.TryWrite(Line(op, id: null, fields));

    public string StderrTail() => _stderr.IsEmpty ? "" : "stderr: " + string.Join(" | ", _stderr);

    private static byte[] Line(string op, long? id, Action<Utf8JsonWriter>? fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (id is { } n)
            {
                json.WriteNumber("id", n);
            }

            json.WriteString("op", op);
            fields?.Invoke(json);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task WriteLoopAsync()
    {
        var stdin = _process.StandardInput.BaseStream;
        try
        {
            await foreach (var line in _outbox.Reader.ReadAllAsync())
            {
                await stdin.WriteAsync(line);
                if (!_outbox.Reader.TryPeek(out _))
                {
                    await stdin.FlushAsync();
                }
            }
        }
        catch (IOException)
        {
            // The process is gone: the reader sees it end.
        }
        finally
        {
            try
            {
                stdin.Close(); // End of input: the scripts close what they hold and exit.
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (_linePrefix is not null && !line.StartsWith(_linePrefix, StringComparison.Ordinal))
                {
                    _onOtherLine?.Invoke(line);
                    continue;
                }

                JsonElement message;
                try
                {
                    using var document = JsonDocument.Parse(_linePrefix is null ? line : line[_linePrefix.Length..]);
                    message = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    _onOtherLine?.Invoke(line);
                    continue;
                }

                if (message.TryGetProperty("re", out var re))
                {
                    if (_calls.TryRemove(re.GetInt64(), out var call))
                    {
                        call.TrySetResult(message);
                    }
                }
                else
                {
                    _onEvent(message);
                }
            }
        }
        finally
        {
            await _stderrReader;
            string why = $"the process exited. {StderrTail()}";
            _outbox.Writer.TryComplete();
            _exited.TrySetResult(why);
            foreach (var call in _calls.Values)
            {
                call.TrySetException(new NodeCommandException(why));
            }
        }
    }

    private async Task StderrLoopAsync()
    {
        // Debugging aid: RTCBENCH_NODE_STDERR=FILE appends every helper's stderr there (with DEBUG=werift* for werift's own log).
        string? copy = Environment.GetEnvironmentVariable("RTCBENCH_NODE_STDERR");
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            if (!string.IsNullOrEmpty(copy))
            {
                await File.AppendAllTextAsync(copy, $"[{_process.Id}] {line}\n");
            }

            _stderr.Enqueue(line);
            while (_stderr.Count > 40 && _stderr.TryDequeue(out _))
            {
            }
        }
    }

    /// <summary>Closes its stdin (the scripts then exit by themselves); kills it if it has not exited within 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true); // Our own child, by its handle.
            await _process.WaitForExitAsync();
        }

        await Task.WhenAll(_writer, _reader).WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}

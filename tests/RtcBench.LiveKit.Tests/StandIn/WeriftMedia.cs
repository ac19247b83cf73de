using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using RtcBench.LiveKit.Tests.Auth;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The media side of the stand-in SFU: one <c>node sfu-media.mjs</c> process holding the server's peer connections on
/// werift (npm, unpatched; pure TypeScript modelled on Pion, LiveKit's stack), driven over stdin/stdout JSON lines
/// (the protocol is described at the top of node/sfu-media.mjs). Commands are written by one writer task in the
/// order they were posted, so sends on one channel keep their order; replies and events are read by one reader task,
/// which hands each event to its <see cref="WeriftPeer"/>. If the process dies, every pending command fails with
/// its stderr and every peer ends. Anything werift reports outside a command is counted in <see cref="Errors"/>.
/// </summary>
internal sealed class WeriftMedia : IAsyncDisposable
{
    private static readonly TimeSpan StartGuard = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _calls = new();
    private readonly ConcurrentDictionary<string, WeriftPeer> _peers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<JsonElement> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly ConcurrentQueue<string> _errorTexts = new();
    private readonly Task _writer;
    private readonly Task _reader;
    private readonly Task _stderrReader;
    private long _nextId;
    private int _errors;
    private volatile bool _disposing;

    private WeriftMedia(Process process)
    {
        _process = process;
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
        _stderrReader = Task.Run(StderrLoopAsync);
    }

    /// <summary>werift's version, as the process read it from its package.json.</summary>
    public string Version { get; private set; } = "";

    /// <summary>Errors werift reported outside a command (a send on a closed channel, an exception in its handlers).</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>The latest of those errors' texts (at most 20).</summary>
    public IReadOnlyList<string> ErrorTexts => [.. _errorTexts];

    /// <summary>Starts the process; werift gathers host candidates on <paramref name="address"/> only.</summary>
    public static async Task<WeriftMedia> StartAsync(IPAddress address, bool iceLite)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeScripts.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(NodeScripts.Directory, "sfu-media.mjs"));
        start.ArgumentList.Add("--address");
        start.ArgumentList.Add(address.ToString());
        if (iceLite)
        {
            start.ArgumentList.Add("--ice-lite");
        }

        var media = new WeriftMedia(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
        try
        {
            var ready = await media._ready.Task.WaitAsync(StartGuard);
            media.Version = ready.GetProperty("werift").GetString() ?? "";
            return media;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            await media.DisposeAsync();
            throw new InvalidOperationException($"the werift media process did not start: {ex.Message} {media.StderrTail()}", ex);
        }
    }

    /// <summary>A peer connection handle; werift creates it with the first command (offer or answer).</summary>
    public WeriftPeer CreatePeer(string id)
    {
        var peer = new WeriftPeer(this, id);
        if (!_peers.TryAdd(id, peer))
        {
            throw new InvalidOperationException($"peer connection '{id}' exists");
        }

        return peer;
    }

    internal void Forget(string id) => _peers.TryRemove(id, out _);

    /// <summary>Sends a command and waits for its reply; a reply with "error" throws <see cref="WeriftException"/>.</summary>
    internal async Task<JsonElement> CallAsync(string op, string pc, Action<Utf8JsonWriter>? fields = null)
    {
        long id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = reply;
        if (_process.HasExited || !_outbox.Writer.TryWrite(Line(op, pc, id, fields)))
        {
            _calls.TryRemove(id, out _);
            throw new WeriftException($"{op} on '{pc}': the werift process is gone. {StderrTail()}");
        }

        var result = await reply.Task.ConfigureAwait(false);
        if (result.TryGetProperty("error", out var error))
        {
            throw new WeriftException($"werift {op} on '{pc}': {error.GetString()}");
        }

        return result;
    }

    /// <summary>Queues a command that has no reply (send). False once the process is gone.</summary>
    internal bool Post(string op, string pc, Action<Utf8JsonWriter> fields) =>
        !_process.HasExited && _outbox.Writer.TryWrite(Line(op, pc, id: null, fields));

    private static byte[] Line(string op, string pc, long? id, Action<Utf8JsonWriter>? fields)
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
            json.WriteString("pc", pc);
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
                stdin.Close(); // End of input: the process closes its peer connections and exits.
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var stdout = _process.StandardOutput;
        while (await stdout.ReadLineAsync() is { } line)
        {
            JsonElement message;
            try
            {
                using var document = JsonDocument.Parse(line);
                message = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                Error($"not a JSON line from werift: {line}");
                continue;
            }

            if (message.TryGetProperty("re", out var re))
            {
                if (_calls.TryRemove(re.GetInt64(), out var call))
                {
                    call.TrySetResult(message);
                }

                continue;
            }

            string ev = message.GetProperty("ev").GetString() ?? "";
            string? pc = message.TryGetProperty("pc", out var p) ? p.GetString() : null;
            switch (ev)
            {
                case "ready":
                    _ready.TrySetResult(message);
                    break;
                case "error":
                    Error($"{pc}: {message.GetProperty("text").GetString()}");
                    break;
                default:
                    if (pc is not null && _peers.TryGetValue(pc, out var peer))
                    {
                        peer.OnEvent(ev, message);
                    }

                    break;
            }
        }

        // The process ended: nothing pending can be answered any more.
        string why = $"the werift process exited. {StderrTail()}";
        _ready.TrySetException(new IOException(why));
        foreach (var call in _calls.Values)
        {
            call.TrySetException(new WeriftException(why));
        }

        foreach (var peer in _peers.Values)
        {
            peer.OnProcessExited();
        }

        if (!_disposing)
        {
            Error(why);
        }
    }

    private async Task StderrLoopAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > 40 && _stderr.TryDequeue(out _))
            {
            }
        }
    }

    private void Error(string text)
    {
        Interlocked.Increment(ref _errors);
        _errorTexts.Enqueue(text);
        while (_errorTexts.Count > 20 && _errorTexts.TryDequeue(out _))
        {
        }
    }

    private string StderrTail() => _stderr.IsEmpty ? "" : "stderr: " + string.Join(" | ", _stderr);

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
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

        await Task.WhenAll(_writer, _reader, _stderrReader).WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}

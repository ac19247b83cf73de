using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RtcBench.Interop.Tests.Peers;

/// <summary>
/// An independent WebRTC stack in a node process of its own: <c>node driver.mjs werift|libdatachannel</c> in
/// tests/RtcBench.Interop.Tests/node (npm ci by the build). Commands go as JSON lines on its stdin, each answered by
/// one line on stdout with the same id; other lines are events, kept (with stderr) for failure messages. One process
/// serves many peer connections, by id. It ends when its stdin closes (<see cref="DisposeAsync"/>).
/// </summary>
internal sealed class NodePeer : IInteropPeer
{
    private const int KeptLines = 400;

    private readonly Process _process;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<(long Seq, string Line)> _events = new();
    private readonly ConcurrentQueue<(long Seq, string Line)> _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<JsonObject> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readers;
    private long _nextId;
    private long _lines;

    private NodePeer(string stack, Process process)
    {
        Stack = stack;
        _process = process;
        _readers = Task.WhenAll(ReadStdoutAsync(), ReadStderrAsync());
    }

    /// <summary>tests/RtcBench.Interop.Tests/node, from the build (InteropNodeDir metadata).</summary>
    public static string Directory { get; } =
        typeof(NodePeer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "InteropNodeDir").Value
        ?? throw new InvalidOperationException("The test assembly has no InteropNodeDir metadata.");

    public string Stack { get; }

    public string Version { get; private set; } = "";

    /// <summary>Everything runs on loopback.</summary>
    public IPAddress OurAddress => IPAddress.Loopback;

    /// <summary>Starts <c>node driver.mjs <paramref name="stack"/></c> and waits for its ready line (name and version).</summary>
    public static async Task<NodePeer> StartAsync(string stack)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(Directory, "driver.mjs"));
        start.ArgumentList.Add(stack);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("`node` is not installed: run scripts/test.sh or apt-get install -y nodejs npm", ex);
        }

        var peer = new NodePeer(stack, process);
        try
        {
            var ready = await peer._ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            peer.Version = ready["version"]?.GetValue<string>() ?? "?";
            return peer;
        }
        catch (Exception ex)
        {
            await peer.DisposeAsync();
            throw new InvalidOperationException($"node driver.mjs {stack} did not start: {ex.Message}\n{peer.Tail()}", ex);
        }
    }

    public async Task<JsonObject> CallAsync(JsonObject command, TimeSpan? timeout = null)
    {
        long id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        string name = command["cmd"]?.GetValue<string>() ?? "?";
        try
        {
            await _writeLock.WaitAsync();
            try
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the {Stack} driver has exited ({_process.ExitCode})");
                }

                await _process.StandardInput.WriteLineAsync(command.ToJsonString());
                await _process.StandardInput.FlushAsync();
            }
            finally
            {
                _writeLock.Release();
            }

            var result = await reply.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
            if (result["ok"]?.GetValue<bool>() != true)
            {
                throw new PeerCommandException($"{Stack} {name}: {result["error"]?.GetValue<string>()}");
            }

            return result;
        }
        catch (TimeoutException)
        {
            throw new PeerCommandException($"{Stack} {name}: no reply from the driver (hang guard)\n{Tail()}");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public long LogMark() => Interlocked.Read(ref _lines);

    /// <summary>The driver's view of <paramref name="pc"/> (state, channels, recent log), its errors and stderr since <paramref name="since"/>.</summary>
    public async Task<string> DescribeAsync(string pc, long since)
    {
        string view;
        try
        {
            var d = await CallAsync(new JsonObject { ["cmd"] = "describe", ["pc"] = pc }, TimeSpan.FromSeconds(10));
            view = $"{d["state"]}; channels {d["channels"]}\n  log: {string.Join(" | ", d["log"]!.AsArray().Select(x => x!.GetValue<string>()))}";
        }
        catch (Exception ex) when (ex is PeerCommandException or InvalidOperationException)
        {
            view = "(no description: " + ex.Message + ")";
        }

        return view + "\n" + Tail(since);
    }

    /// <summary>Errors the driver reported (uncaught exceptions inside the stack) and its latest stderr lines about failures.</summary>
    public string Tail(long since = 0)
    {
        var errors = _events.Where(e => e.Seq >= since && e.Line.Contains("\"ev\":\"error\"", StringComparison.Ordinal)).Select(e => e.Line).TakeLast(3).ToList();
        var stderr = _stderr.Where(e => e.Seq >= since).Select(e => e.Line)
            .Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase))
            .TakeLast(8).Select(l => l.Length > 400 ? l[..400] + "…" : l).ToList();
        return (errors.Count > 0 ? "  errors: " + string.Join("\n  ", errors) + "\n" : "")
            + (stderr.Count > 0 ? "  stderr: " + string.Join("\n  ", stderr) : "");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _readers.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReadStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            JsonObject? message = null;
            try
            {
                message = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                // Not ours (a library printing to stdout): kept with the events.
            }

            if (message?["id"] is { } id && _pending.TryGetValue(id.GetValue<long>(), out var reply))
            {
                reply.TrySetResult(message);
                continue;
            }

            if (message?["ev"]?.GetValue<string>() == "ready")
            {
                _ready.TrySetResult(message);
            }

            Keep(_events, line.Length > 600 ? line[..600] + "…" : line);
        }

        var gone = new InvalidOperationException($"the {Stack} driver exited\n{Tail()}");
        _ready.TrySetException(gone);
        foreach (var reply in _pending.Values)
        {
            reply.TrySetException(gone);
        }
    }

    private async Task ReadStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            Keep(_stderr, line);
        }
    }

    private void Keep(ConcurrentQueue<(long, string)> queue, string line)
    {
        queue.Enqueue((Interlocked.Increment(ref _lines), line));
        while (queue.Count > KeptLines)
        {
            queue.TryDequeue(out _);
        }
    }
}

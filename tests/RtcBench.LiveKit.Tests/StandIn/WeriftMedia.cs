using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using RtcBench.LiveKit.Tests.Auth;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The media side of the stand-in SFU: one <c>node sfu-media.mjs</c> process holding the server's peer connections on
/// werift (npm, unpatched; pure TypeScript modelled on Pion, LiveKit's stack), driven in JSON lines
/// (<see cref="JsonLineProcess"/>; the commands and events are described at the top of node/sfu-media.mjs). Commands
/// go out in the order they were posted, so sends on one channel keep their order; events reach their
/// <see cref="WeriftPeer"/> on one reader task, in werift's order. If the process dies, every pending command fails
/// with its stderr and every peer ends. Anything werift reports outside a command is counted in <see cref="Errors"/>.
/// </summary>
internal sealed class WeriftMedia : IAsyncDisposable
{
    private static readonly TimeSpan StartGuard = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, WeriftPeer> _peers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<JsonElement> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _errorTexts = new();
    private JsonLineProcess _process = null!;
    private int _errors;
    private volatile bool _disposing;

    private WeriftMedia()
    {
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
        var media = new WeriftMedia();
        List<string> arguments = [Path.Combine(NodeScripts.Directory, "sfu-media.mjs"), "--address", address.ToString()];
        if (iceLite)
        {
            arguments.Add("--ice-lite");
        }

        media._process = JsonLineProcess.Start("node", arguments, NodeScripts.Directory, media.OnEvent);
        _ = media._process.Exited.ContinueWith(t => media.OnExited(t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            var ready = await media._ready.Task.WaitAsync(StartGuard);
            media.Version = ready.GetProperty("werift").GetString() ?? "";
            return media;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            await media.DisposeAsync();
            throw new InvalidOperationException($"the werift media process did not start: {ex.Message} {media._process.StderrTail()}", ex);
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

    internal Task<JsonElement> CallAsync(string op, string pc, Action<Utf8JsonWriter>? fields = null) =>
        _process.CallAsync(op, json =>
        {
            json.WriteString("pc", pc);
            fields?.Invoke(json);
        });

    internal bool Post(string op, string pc, Action<Utf8JsonWriter> fields) =>
        _process.Post(op, json =>
        {
            json.WriteString("pc", pc);
            fields(json);
        });

    private void OnEvent(JsonElement message)
    {
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

    private void OnExited(string why)
    {
        _ready.TrySetException(new IOException(why));
        foreach (var peer in _peers.Values)
        {
            peer.OnProcessExited();
        }

        if (!_disposing)
        {
            Error("werift: " + why);
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

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        await _process.DisposeAsync();
    }
}

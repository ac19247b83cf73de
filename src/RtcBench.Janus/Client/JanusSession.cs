using System.Collections.Concurrent;
using RtcBench.Janus.Api;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Client;

/// <summary>
/// One Janus session: plugin handles, a keepalive every <see cref="JanusClientOptions.KeepaliveInterval"/>, and its
/// events (long-poll or WebSocket) routed to the handle named by <c>sender</c>. It ends once
/// (<see cref="WhenEnded"/>): destroyed by us, <c>timeout</c> from Janus, 458 (Janus restarted), or the transport
/// lost; its handles learn it too (their pending waits fail with <see cref="JanusSessionEndedException"/>).
/// Events are delivered on the transport's reader thread: handlers must be short.
/// </summary>
public sealed class JanusSession : IAsyncDisposable, IJanusEventSink
{
    private readonly JanusClient _client;
    private readonly ConcurrentDictionary<long, JanusHandle> _handles = new();
    private readonly TaskCompletionSource<JanusSessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _keepalive = Task.CompletedTask;
    private long _unrouted;
    private int _destroying;
    private JanusException? _lostWhileDestroying;

    internal JanusSession(JanusClient client, long id)
    {
        _client = client;
        Id = id;
    }

    public long Id { get; }

    /// <summary>Completes once, with how the session ended. Never faults.</summary>
    public Task<JanusSessionEnd> WhenEnded => _ended.Task;

    public bool IsEnded => _ended.Task.IsCompleted;

    /// <summary>Events for no handle we know (dropped).</summary>
    public long UnroutedEvents => Interlocked.Read(ref _unrouted);

    /// <summary>The handles attached and not yet detached.</summary>
    public IReadOnlyCollection<JanusHandle> Handles => [.. _handles.Values];

    internal JanusClient Client => _client;

    /// <summary>Attaches <paramref name="plugin"/> (e.g. <c>janus.plugin.echotest</c>); 460 when Janus has no such plugin.</summary>
    public async Task<JanusHandle> AttachAsync(string plugin, string? opaqueId = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(plugin);
        ThrowIfEnded();
        var reply = await RequestAsync(new JanusRequest("attach", JanusClient.NewTransaction()) { SessionId = Id, Plugin = plugin, OpaqueId = opaqueId }, ct).ConfigureAwait(false);
        if (reply.DataId is not long id)
        {
            throw new JanusProtocolException($"Janus answered 'attach' with '{reply.KindText}' and no handle id.");
        }

        var handle = new JanusHandle(this, id, plugin);
        _handles[id] = handle;
        JanusLog.HandleAttached(_client.Options.Logger, Id, plugin, id);
        return handle;
    }

    /// <summary>Tells Janus the session is alive (also done on a timer).</summary>
    public async Task KeepaliveAsync(CancellationToken ct = default)
    {
        ThrowIfEnded();
        await RequestAsync(new JanusRequest("keepalive", JanusClient.NewTransaction()) { SessionId = Id }, ct).ConfigureAwait(false);
    }

    /// <summary>Destroys the session in Janus (its handles are hung up and detached there) and ends it here.</summary>
    public async Task DestroyAsync(CancellationToken ct = default)
    {
        ThrowIfEnded();
        Volatile.Write(ref _destroying, 1);
        try
        {
            await RequestAsync(new JanusRequest("destroy", JanusClient.NewTransaction()) { SessionId = Id }, ct).ConfigureAwait(false);
            End(JanusSessionEndKind.Destroyed, "destroyed by this client");
        }
        catch (JanusApiException ex) when (ex.Code == JanusErrorCode.SessionNotFound)
        {
            End(JanusSessionEndKind.NotFound, ex.Message);
        }
        catch (JanusException) when (Volatile.Read(ref _lostWhileDestroying) is { } lost)
        {
            // The destroy failed, and the events had already said the session was gone: that is how it ended.
            End(JanusSessionEndKind.NotFound, lost.Message);
            throw;
        }
        finally
        {
            Volatile.Write(ref _destroying, 0);
        }
    }

    /// <summary>Destroys the session if it is still open (best effort, errors only logged).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!IsEnded)
        {
            try
            {
                await DestroyAsync().ConfigureAwait(false);
            }
            catch (JanusException ex)
            {
                JanusLog.CleanupFailed(_client.Options.Logger, "destroy session", ex.Message);
            }
            End(JanusSessionEndKind.Destroyed, "disposed");
        }

        await _keepalive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    void IJanusEventSink.OnEvent(JanusMessage message)
    {
        if (message.Kind == JanusMessageKind.Timeout)
        {
            End(JanusSessionEndKind.TimedOut, "Janus expired the session: no keepalive or long-poll within its session timeout");
            return;
        }

        if (message.Sender is long sender && _handles.TryGetValue(sender, out var handle))
        {
            if (message.Kind == JanusMessageKind.Detached)
            {
                _handles.TryRemove(sender, out _);
            }

            handle.OnEvent(message);
            return;
        }

        Interlocked.Increment(ref _unrouted);
        JanusLog.Unrouted(_client.Options.Logger, Id, message.KindText);
    }

    void IJanusEventSink.OnLost(JanusException reason)
    {
        if (reason is JanusApiException { Code: JanusErrorCode.SessionNotFound } && Volatile.Read(ref _destroying) == 1)
        {
            // Our own destroy at work: Janus forgets the session before it answers the destroy, so a long-poll
            // re-issued in between is refused (HTTP 404). The destroy's reply says how the session ended.
            Volatile.Write(ref _lostWhileDestroying, reason);
            return;
        }

        var kind = reason switch
        {
            JanusApiException { Code: JanusErrorCode.SessionNotFound } => JanusSessionEndKind.NotFound,
            JanusApiException => JanusSessionEndKind.Refused,
            _ => JanusSessionEndKind.TransportLost,
        };
        End(kind, reason.Message);
    }

    internal Task<JanusMessage> RequestAsync(JanusRequest request, CancellationToken ct) => _client.RequestAsync(request, ct);

    internal void Forget(JanusHandle handle) => _handles.TryRemove(handle.Id, out _);

    internal void Start()
    {
        _client.Transport.Subscribe(Id, this);
        var interval = _client.Options.KeepaliveInterval;
        if (interval > TimeSpan.Zero)
        {
            _keepalive = Task.Run(() => KeepaliveLoopAsync(interval));
        }
    }

    internal void ThrowIfEnded()
    {
        if (_ended.Task.IsCompleted)
        {
            throw new JanusSessionEndedException(_ended.Task.Result);
        }
    }

    private async Task KeepaliveLoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _client.Options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await KeepaliveAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (JanusApiException ex)
                {
                    ((IJanusEventSink)this).OnLost(ex);
                }
                catch (JanusException ex)
                {
                    // A transport failure ends the session through the poll or the socket reader; say it here too.
                    JanusLog.KeepaliveFailed(_client.Options.Logger, Id, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    private void End(JanusSessionEndKind kind, string reason)
    {
        var end = new JanusSessionEnd(kind, reason);
        if (!_ended.TrySetResult(end))
        {
            return;
        }

        _stop.Cancel();
        _client.Transport.Unsubscribe(Id);
        _client.Forget(this);
        foreach (var handle in _handles.Values)
        {
            handle.OnSessionEnded(end);
        }

        _handles.Clear();
        JanusLog.SessionEnded(_client.Options.Logger, Id, kind, reason);
    }
}

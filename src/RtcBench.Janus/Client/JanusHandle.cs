using System.Collections.Concurrent;
using System.Threading.Channels;
using RtcBench.Janus.Api;
using RtcBench.Janus.Plugins;

namespace RtcBench.Janus.Client;

/// <summary>
/// A plugin handle: plugin messages (with a JSEP offer or answer), trickle, hangup, detach, and what Janus reports
/// about it. A synchronous plugin request returns its <c>success</c>; an asynchronous one is acknowledged and its
/// <c>event</c> (same transaction, possibly with a JSEP) is awaited up to <see cref="JanusClientOptions.EventTimeout"/>.
/// Plugin events that answer no request go to <see cref="EventReceived"/> and the queue read by
/// <see cref="NextPluginEventAsync"/>; <c>hangup</c>, <c>webrtcup</c> and <c>detached</c> also complete
/// <see cref="WhenHungUp"/>, <see cref="WhenWebRtcUp"/> and <see cref="WhenDetached"/>.
/// </summary>
public sealed class JanusHandle
{
    /// <summary>Unsolicited plugin events kept for <see cref="NextPluginEventAsync"/>; the oldest go first beyond it.</summary>
    public const int PluginEventQueueLimit = 256;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<JanusMessage>> _awaiting = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<JanusHandleEvent> _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<JanusHandleEvent> _webRtcUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<JanusHandleEvent> _pluginEvents = Channel.CreateBounded<JanusHandleEvent>(
        new BoundedChannelOptions(PluginEventQueueLimit) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false, SingleWriter = true });

    private volatile bool _detaching;

    internal JanusHandle(JanusSession session, long id, string plugin)
    {
        Session = session;
        Id = id;
        Plugin = plugin;
    }

    public JanusSession Session { get; }

    public long Id { get; }

    /// <summary>The plugin package name, e.g. <c>janus.plugin.textroom</c>.</summary>
    public string Plugin { get; }

    /// <summary>Raised on the transport's reader for every event about this handle (keep handlers short; exceptions are the handler's).</summary>
    public event Action<JanusHandle, JanusHandleEvent>? EventReceived;

    /// <summary>The first <c>hangup</c> (its <see cref="JanusHandleEvent.Reason"/> says why the PeerConnection went away).</summary>
    public Task<JanusHandleEvent> WhenHungUp => _hungUp.Task;

    /// <summary>The first <c>webrtcup</c>: Janus's side of the PeerConnection is up.</summary>
    public Task<JanusHandleEvent> WhenWebRtcUp => _webRtcUp.Task;

    /// <summary>Completes with why the handle is gone: detached (by us or the plugin) or its session ended.</summary>
    public Task<string> WhenDetached => _detached.Task;

    /// <summary>
    /// Sends a plugin request, with <paramref name="jsep"/> when given, and returns the plugin's answer: the
    /// <c>success</c> data of a synchronous request, or the <c>event</c> after the <c>ack</c> of an asynchronous one.
    /// Throws <see cref="JanusApiException"/> (the core refused), <see cref="JanusPluginException"/> (the plugin's
    /// <c>error_code</c>), <see cref="JanusTimeoutException"/>, <see cref="JanusTransportException"/>, or
    /// <see cref="JanusSessionEndedException"/>.
    /// </summary>
    public async Task<JanusPluginReply> SendAsync(IJanusPluginRequest request, JanusJsep? jsep = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfGone();
        string transaction = JanusClient.NewTransaction();
        var awaiter = new TaskCompletionSource<JanusMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaiting[transaction] = awaiter; // Before sending: the event may overtake the reply.
        try
        {
            var reply = await Session.RequestAsync(new JanusRequest("message", transaction) { SessionId = Session.Id, HandleId = Id, Body = request, Jsep = jsep }, ct).ConfigureAwait(false);
            var result = reply.Kind switch
            {
                JanusMessageKind.Success or JanusMessageKind.Event => reply,
                JanusMessageKind.Ack => await AwaitEventAsync(awaiter, request, ct).ConfigureAwait(false),
                _ => throw new JanusProtocolException($"Janus answered '{request.Request}' to {Plugin} with '{reply.KindText}'."),
            };
            if (result.Kind == JanusMessageKind.Error)
            {
                throw new JanusApiException("message", result.Error ?? new JanusError(0, "(an error without an error object)"));
            }

            return JanusPluginReply.From(result, Plugin, request.Request);
        }
        finally
        {
            _awaiting.TryRemove(transaction, out _);
        }
    }

    /// <summary>The next plugin event that answered no request (e.g. a VideoRoom publisher list, a TextRoom event), oldest first.</summary>
    public async Task<JanusHandleEvent> NextPluginEventAsync(CancellationToken ct = default)
    {
        try
        {
            return await _pluginEvents.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new JanusSessionEndedException(Session.WhenEnded.IsCompleted ? Session.WhenEnded.Result : new JanusSessionEnd(JanusSessionEndKind.Destroyed, await _detached.Task.ConfigureAwait(false)));
        }
    }

    /// <summary>Trickles one candidate (Janus queues candidates that come before the SDP).</summary>
    public Task TrickleAsync(JanusCandidate candidate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return SendPlainAsync(new JanusRequest("trickle", JanusClient.NewTransaction()) { SessionId = Session.Id, HandleId = Id, Candidate = candidate }, ct);
    }

    /// <summary>Trickles several candidates in one request.</summary>
    public Task TrickleAsync(IReadOnlyList<JanusCandidate> candidates, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return SendPlainAsync(new JanusRequest("trickle", JanusClient.NewTransaction()) { SessionId = Session.Id, HandleId = Id, Candidates = candidates }, ct);
    }

    /// <summary>Tells Janus there are no more candidates.</summary>
    public Task TrickleCompletedAsync(CancellationToken ct = default) => TrickleAsync(JanusCandidate.EndOfCandidates, ct);

    /// <summary>Asks Janus to close this handle's PeerConnection (a <c>hangup</c> event follows if there was one).</summary>
    public Task HangupAsync(CancellationToken ct = default) =>
        SendPlainAsync(new JanusRequest("hangup", JanusClient.NewTransaction()) { SessionId = Session.Id, HandleId = Id }, ct);

    /// <summary>Detaches the handle from its plugin (the PeerConnection, if any, is closed).</summary>
    public async Task DetachAsync(CancellationToken ct = default)
    {
        _detaching = true; // Janus's 'detached' event may come before the reply.
        await SendPlainAsync(new JanusRequest("detach", JanusClient.NewTransaction()) { SessionId = Session.Id, HandleId = Id }, ct).ConfigureAwait(false);
        Gone("detached by this client");
        Session.Forget(this);
    }

    public override string ToString() => $"{Plugin} handle {Id} (session {Session.Id})";

    internal void OnEvent(JanusMessage message)
    {
        if (message.Transaction is { } transaction && message.Kind is JanusMessageKind.Event or JanusMessageKind.Error
            && _awaiting.TryRemove(transaction, out var awaiter))
        {
            awaiter.TrySetResult(message);
            return;
        }

        var logger = Session.Client.Options.Logger;
        var e = new JanusHandleEvent(message.Kind, message);
        switch (message.Kind)
        {
            case JanusMessageKind.Event:
                _pluginEvents.Writer.TryWrite(e);
                break;
            case JanusMessageKind.WebRtcUp:
                _webRtcUp.TrySetResult(e);
                break;
            case JanusMessageKind.Hangup:
                JanusLog.HandleHungUp(logger, Id, Plugin, message.Reason ?? "(no reason)");
                _hungUp.TrySetResult(e);
                break;
            case JanusMessageKind.SlowLink:
                JanusLog.SlowLink(logger, Id, message.Media ?? "?", message.Uplink ?? false, message.Lost ?? 0);
                break;
            case JanusMessageKind.Detached:
                JanusLog.HandleDetached(logger, Id, Plugin);
                break;
            case JanusMessageKind.Ack:
                return; // The ack of a request whose event overtook it (WebSocket): nothing to tell.
        }

        EventReceived?.Invoke(this, e);
        if (message.Kind == JanusMessageKind.Detached)
        {
            Gone(_detaching ? "detached by this client" : "detached by Janus");
        }
    }

    internal void OnSessionEnded(JanusSessionEnd end)
    {
        var error = new JanusSessionEndedException(end);
        foreach (var awaiter in _awaiting.Values)
        {
            awaiter.TrySetException(error);
        }

        Gone($"session ended: {end}");
    }

    private void Gone(string reason)
    {
        _detached.TrySetResult(reason);
        _pluginEvents.Writer.TryComplete();
    }

    private void ThrowIfGone()
    {
        Session.ThrowIfEnded();
        if (_detached.Task.IsCompleted)
        {
            throw new InvalidOperationException($"{this} is gone: {_detached.Task.Result}.");
        }
    }

    private async Task SendPlainAsync(JanusRequest request, CancellationToken ct)
    {
        ThrowIfGone();
        await Session.RequestAsync(request, ct).ConfigureAwait(false);
    }

    private async Task<JanusMessage> AwaitEventAsync(TaskCompletionSource<JanusMessage> awaiter, IJanusPluginRequest request, CancellationToken ct)
    {
        var timeout = Session.Client.Options.EventTimeout;
        try
        {
            return await awaiter.Task.WaitAsync(timeout, Session.Client.Options.TimeProvider, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new JanusTimeoutException($"{Plugin} acknowledged '{request.Request}' but sent no event within {timeout.TotalSeconds:0.#} s.");
        }
    }
}

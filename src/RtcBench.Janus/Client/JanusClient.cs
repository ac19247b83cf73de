using System.Collections.Concurrent;
using System.Security.Cryptography;
using RtcBench.Janus.Api;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Client;

/// <summary>
/// A connection to one Janus server over its REST or WebSocket transport (<see cref="JanusClientOptions.Url"/>):
/// server info and sessions. Every request has a hang guard (<see cref="JanusClientOptions.RequestTimeout"/>); a
/// Janus <c>error</c> reply becomes a <see cref="JanusApiException"/> with its code. Disposing destroys the sessions
/// still open (best effort) and closes the transport.
/// </summary>
public sealed class JanusClient : IAsyncDisposable
{
    private const string TransactionAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly IJanusTransport _transport;
    private readonly ConcurrentDictionary<long, JanusSession> _sessions = new();
    private int _disposed;

    private JanusClient(JanusClientOptions options, IJanusTransport transport)
    {
        Options = options;
        _transport = transport;
    }

    public JanusClientOptions Options { get; }

    public JanusTransportKind TransportKind => _transport.Kind;

    /// <summary>Messages from Janus that were not Janus messages (dropped).</summary>
    public long Malformed => _transport.Malformed;

    internal IJanusTransport Transport => _transport;

    /// <summary>
    /// Checks <paramref name="options"/> (<see cref="ArgumentException"/> listing every problem) and opens the
    /// transport: nothing is sent on HTTP yet; the WebSocket connects now (<see cref="JanusTransportException"/> when
    /// it cannot, <see cref="JanusTimeoutException"/> after <see cref="JanusClientOptions.RequestTimeout"/>).
    /// </summary>
    public static async Task<JanusClient> ConnectAsync(JanusClientOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Janus client options: " + string.Join(" ", errors), nameof(options));
        }

        if (options.TransportKind == JanusTransportKind.Http)
        {
            return new JanusClient(options, new JanusHttpTransport(options.Url, options.ApiSecret, options.Token, options.LongPollMaxEvents, options.LongPollTimeout, options.Logger));
        }

        using var timeout = new CancellationTokenSource(options.RequestTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var transport = await JanusWebSocketTransport.ConnectAsync(options.Url, options.ApiSecret, options.Token, options.Logger, linked.Token).ConfigureAwait(false);
            return new JanusClient(options, transport);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JanusTimeoutException($"Janus (WebSocket) did not accept the connection within {options.RequestTimeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Janus's <c>server_info</c>.</summary>
    public async Task<JanusServerInfo> GetInfoAsync(CancellationToken ct = default)
    {
        var reply = await GuardAsync("info", t => _transport.InfoAsync(NewTransaction(), t), ct).ConfigureAwait(false);
        return JanusServerInfo.TryRead(reply, out var info) ? info!
            : throw new JanusProtocolException($"Janus answered 'info' with '{reply.KindText}', not server_info.");
    }

    /// <summary>Creates a session; its events start flowing (long-poll or WebSocket) and its keepalive starts.</summary>
    public async Task<JanusSession> CreateSessionAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var reply = await RequestAsync(new JanusRequest("create", NewTransaction()), ct).ConfigureAwait(false);
        if (reply.Kind != JanusMessageKind.Success || reply.DataId is not long id)
        {
            throw new JanusProtocolException($"Janus answered 'create' with '{reply.KindText}' and no session id.");
        }

        var session = new JanusSession(this, id);
        _sessions[id] = session;
        session.Start();
        JanusLog.SessionCreated(Options.Logger, id, _transport.Kind.ToString());
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var session in _sessions.Values)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Sends a request and returns the direct reply; an <c>error</c> reply throws <see cref="JanusApiException"/>.</summary>
    internal async Task<JanusMessage> RequestAsync(JanusRequest request, CancellationToken ct)
    {
        var reply = await GuardAsync(request.Verb, t => _transport.SendAsync(request, t), ct).ConfigureAwait(false);
        if (reply.Kind == JanusMessageKind.Error)
        {
            throw new JanusApiException(request.Verb, reply.Error ?? new JanusError(0, "(an error reply without an error object)"));
        }

        return reply;
    }

    internal void Forget(JanusSession session) => _sessions.TryRemove(session.Id, out _);

    internal static string NewTransaction() => RandomNumberGenerator.GetString(TransactionAlphabet, 16);

    private async Task<JanusMessage> GuardAsync(string verb, Func<CancellationToken, Task<JanusMessage>> send, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(Options.RequestTimeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await send(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JanusTimeoutException($"Janus did not answer '{verb}' within {Options.RequestTimeout.TotalSeconds:0.#} s.");
        }
    }
}

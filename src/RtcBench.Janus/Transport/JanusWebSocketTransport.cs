using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Transport;

/// <summary>
/// Janus's WebSocket transport (subprotocol <c>janus-protocol</c>, PROTOCOLS.md §2 B2): one socket carries every
/// request (session and handle ids as members) and every event. A reader loop matches replies to pending requests by
/// transaction and routes the rest to the subscribed session by <c>session_id</c>. Text frames only, up to
/// <see cref="JanusMessageReader.MaxMessageBytes"/>; anything else is dropped and counted. When the socket closes or
/// breaks, every pending request fails and every subscribed session is told, with the close status and reason.
/// </summary>
internal sealed class JanusWebSocketTransport : IJanusTransport
{
    public const string SubProtocol = "janus-protocol";

    private readonly ClientWebSocket _socket;
    private readonly string? _apiSecret;
    private readonly string? _token;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JanusMessage>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, IJanusEventSink> _sinks = new();
    private Task _reader = Task.CompletedTask;
    private JanusException? _lost;
    private long _malformed;

    private JanusWebSocketTransport(ClientWebSocket socket, string? apiSecret, string? token, ILogger logger)
    {
        _socket = socket;
        _apiSecret = apiSecret;
        _token = token;
        _logger = logger;
    }

    public JanusTransportKind Kind => JanusTransportKind.WebSocket;

    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Opens the socket (the subprotocol is required: Janus refuses the upgrade without it).</summary>
    public static async Task<JanusWebSocketTransport> ConnectAsync(Uri url, string? apiSecret, string? token, ILogger logger, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(SubProtocol);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(url, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            int status = (int)socket.HttpStatusCode;
            socket.Dispose();
            string detail = status != 0 ? $"HTTP {status} (not a Janus WebSocket endpoint?)" : ex.InnerException?.Message ?? ex.Message;
            throw new JanusTransportException($"Janus (WebSocket) not reached: {detail}", ex, status);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var transport = new JanusWebSocketTransport(socket, apiSecret, token, logger);
        transport._reader = Task.Run(transport.ReadLoopAsync, CancellationToken.None);
        return transport;
    }

    public Task<JanusMessage> InfoAsync(string transaction, CancellationToken ct) => SendAsync(new JanusRequest("info", transaction), ct);

    public async Task<JanusMessage> SendAsync(JanusRequest request, CancellationToken ct)
    {
        var reply = new TaskCompletionSource<JanusMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(request.Transaction, reply))
        {
            throw new InvalidOperationException($"Transaction {request.Transaction} is already pending.");
        }

        try
        {
            if (Volatile.Read(ref _lost) is { } lost)
            {
                throw Lost(lost);
            }

            byte[] body = JanusRequestWriter.Write(request, _apiSecret, _token, idsInBody: true);
            await _sendGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(body, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
            {
                throw new JanusTransportException($"Janus (WebSocket) send of '{request.Verb}' failed: {ex.Message}", ex);
            }
            finally
            {
                _sendGate.Release();
            }

            return await reply.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(request.Transaction, out _);
        }
    }

    public void Subscribe(long sessionId, IJanusEventSink sink)
    {
        if (!_sinks.TryAdd(sessionId, sink))
        {
            throw new InvalidOperationException($"Session {sessionId} is already subscribed.");
        }

        if (Volatile.Read(ref _lost) is { } lost && _sinks.TryRemove(sessionId, out _))
        {
            sink.OnLost(lost);
        }
    }

    public void Unsubscribe(long sessionId) => _sinks.TryRemove(sessionId, out _);

    public async ValueTask DisposeAsync()
    {
        _sinks.Clear();
        using (var close = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", close.Token).ConfigureAwait(false);
                }

                await _reader.WaitAsync(close.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // Dropping the socket below is all that is left.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        _socket.Dispose();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        _sendGate.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        int length = 0;
        string reason = "the socket closed";
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= JanusMessageReader.MaxMessageBytes)
                    {
                        reason = $"a message over {JanusMessageReader.MaxMessageBytes} bytes";
                        break;
                    }

                    byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"Janus closed the WebSocket ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})";
                    break;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text && JanusMessageReader.TryRead(buffer.AsSpan(0, length), out var message))
                {
                    Dispatch(message!);
                }
                else
                {
                    Interlocked.Increment(ref _malformed);
                    JanusLog.Malformed(_logger, "WebSocket", length);
                }

                length = 0;
            }
        }
        catch (OperationCanceledException)
        {
            reason = "the client closed the WebSocket";
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            reason = $"the WebSocket broke: {ex.Message}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        JanusLog.WebSocketClosed(_logger, reason);
        var lost = new JanusTransportException($"Janus (WebSocket): {reason}");
        Volatile.Write(ref _lost, lost);
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(Lost(lost));
        }

        foreach (long session in _sinks.Keys)
        {
            if (_sinks.TryRemove(session, out var sink))
            {
                sink.OnLost(lost);
            }
        }
    }

    private void Dispatch(JanusMessage message)
    {
        if (message.Transaction is { } transaction && _pending.TryRemove(transaction, out var reply))
        {
            reply.TrySetResult(message);
            return;
        }

        if (message.SessionId is long session && _sinks.TryGetValue(session, out var sink))
        {
            sink.OnEvent(message);
        }
    }

    private static JanusTransportException Lost(JanusException lost) => new(lost.Message, lost);
}

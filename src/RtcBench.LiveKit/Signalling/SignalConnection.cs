using System.Buffers;
using System.Net.WebSockets;
using Google.Protobuf;
using RtcBench.Core.Timing;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Signalling;

/// <summary>
/// The LiveKit signal WebSocket (PROTOCOLS.md §2 A1): one binary protobuf message per frame, <see cref="SignalRequest"/>
/// out and <see cref="SignalResponse"/> in. A read loop hands each message to the <see cref="ISignalHandler"/>; text
/// frames, oversized and unparsable messages are dropped and counted. Keepalive: <c>ping_req</c> every ping_interval,
/// and no message at all for ping_timeout ends the connection (<see cref="LiveKitEndKind.KeepaliveTimeout"/>), as the
/// JS SDK does. Sends are serialised. Nothing here logs; the URI (it holds the token) is never put in a message.
/// </summary>
internal sealed class SignalConnection : IAsyncDisposable
{
    /// <summary>The server's own frame limit is 2 MiB; a bigger message is dropped.</summary>
    public const int MaxMessageBytes = 4 << 20;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly MonoTime _clock;
    private readonly ISignalHandler _handler;
    private Task _readLoop = Task.CompletedTask;
    private Task _keepalive = Task.CompletedTask;
    private long _lastReceivedNs;
    private long _malformed;
    private long _received;
    private long _lastPingTimestampMs;
    private long _lastPingSentNs;
    private long _rttMs;
    private int _lost;
    private volatile bool _closing;

    public SignalConnection(ISignalHandler handler, MonoTime clock)
    {
        _handler = handler;
        _clock = clock;
        _socket.Options.CollectHttpResponseDetails = true;
    }

    /// <summary>Messages dropped: text frames, oversized, not a SignalResponse.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>The last signalling round trip (ping_req → pong_resp), ms; 0 before the first pong.</summary>
    public long RttMs => Interlocked.Read(ref _rttMs);

    /// <summary>
    /// Opens the WebSocket. On a refused upgrade returns the HTTP status (0 when the server was not reached at all)
    /// with the exception; null on success.
    /// </summary>
    public async Task<(int Status, Exception Error)?> ConnectAsync(Uri rtcUri, CancellationToken ct)
    {
        try
        {
            await _socket.ConnectAsync(rtcUri, ct).ConfigureAwait(false);
            _lastReceivedNs = _clock.NowNs();
            return null;
        }
        catch (WebSocketException ex)
        {
            return ((int)_socket.HttpStatusCode, ex);
        }
        catch (HttpRequestException ex)
        {
            return (0, ex);
        }
    }

    /// <summary>Starts the read loop (call once, after <see cref="ConnectAsync"/> succeeded).</summary>
    public void StartReading() => _readLoop = Task.Run(ReadLoopAsync);

    /// <summary>Starts sending ping_req every <paramref name="interval"/> and watching for <paramref name="timeout"/> of silence.</summary>
    public void StartKeepalive(TimeSpan interval, TimeSpan timeout) => _keepalive = Task.Run(() => KeepaliveAsync(interval, timeout));

    /// <summary>Sends one request. False when the socket is gone (the read loop reports why).</summary>
    public async ValueTask<bool> SendAsync(SignalRequest request, CancellationToken ct = default)
    {
        byte[] bytes = request.ToByteArray();
        await _sendGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                return false;
            }

            await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
            return false;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>
    /// Leaves politely: <paramref name="leave"/> (when given), then a close frame with 1000, waiting up to
    /// <paramref name="timeout"/> for the server's close; then the socket is dropped. No outcome is reported.
    /// </summary>
    public async Task CloseAsync(SignalRequest? leave, TimeSpan timeout)
    {
        _closing = true;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (leave is not null)
            {
                await SendAsync(leave, cts.Token).ConfigureAwait(false);
            }

            await _sendGate.WaitAsync(cts.Token).ConfigureAwait(false);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "leave", cts.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendGate.Release();
            }

            await _readLoop.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The server did not close in time or the socket broke: dropping it below is all that is left.
        }
        finally
        {
            Abort();
        }
    }

    /// <summary>Drops the socket at once (no close handshake). No outcome is reported.</summary>
    public void Abort()
    {
        _closing = true;
        _stop.Cancel();
        _socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        try
        {
            await Task.WhenAll(_readLoop, _keepalive).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Both loops end on the aborted socket and cancelled token; a stuck one is abandoned.
        }

        _socket.Dispose();
        _stop.Dispose();
        _sendGate.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        LiveKitOutcome? lost = null;
        try
        {
            while (true)
            {
                int length = 0;
                bool oversized = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes)
                        {
                            oversized = true;
                            length = 0; // Keep reading the frame into the same buffer, then drop it.
                        }
                        else
                        {
                            byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, length).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lost = new LiveKitOutcome(LiveKitEndKind.SignallingLost,
                        $"the server closed the signal WebSocket ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})".TrimEnd());
                    return;
                }

                Volatile.Write(ref _lastReceivedNs, _clock.NowNs());
                Interlocked.Increment(ref _received);
                if (oversized || result.MessageType != WebSocketMessageType.Binary || !TryParse(buffer.AsSpan(0, length), out var response))
                {
                    Interlocked.Increment(ref _malformed);
                    continue;
                }

                if (response!.MessageCase == SignalResponse.MessageOneofCase.PongResp)
                {
                    OnPong(response.PongResp);
                }

                try
                {
                    await _handler.OnResponseAsync(response).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // A defect or a local failure (e.g. binding a socket for the subscriber connection) while handling
                    // one message: the session cannot be trusted any more, so it ends with why.
                    lost = new LiveKitOutcome(LiveKitEndKind.Internal,
                        $"handling the server's {response.MessageCase} message failed: {ex.GetType().Name}: {ex.Message}");
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            lost = new LiveKitOutcome(LiveKitEndKind.SignallingLost, "the signal WebSocket broke: " + ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (lost is not null)
            {
                ReportLost(lost);
            }
        }
    }

    private async Task KeepaliveAsync(TimeSpan interval, TimeSpan timeout)
    {
        long intervalNs = (long)(interval.TotalMilliseconds * 1e6);
        long timeoutNs = (long)(timeout.TotalMilliseconds * 1e6);
        long nextPingNs = _clock.NowNs() + intervalNs;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                long now = _clock.NowNs();
                long deadline = Volatile.Read(ref _lastReceivedNs) + timeoutNs;
                if (now >= deadline)
                {
                    ReportLost(new LiveKitOutcome(LiveKitEndKind.KeepaliveTimeout,
                        $"no signalling message for {timeout.TotalSeconds:0.#} s (the server's ping_timeout)"));
                    return;
                }

                if (now >= nextPingNs)
                {
                    long unixMs = _clock.UtcNow().ToUnixTimeMilliseconds();
                    Interlocked.Exchange(ref _lastPingTimestampMs, unixMs);
                    Interlocked.Exchange(ref _lastPingSentNs, now);
                    await SendAsync(new SignalRequest { PingReq = new Ping { Timestamp = unixMs, Rtt = RttMs } }, _stop.Token).ConfigureAwait(false);
                    nextPingNs = now + intervalNs;
                }

                // Wake at the next ping or the silence deadline, whichever is first; a later message only moves the
                // deadline on, which the check above sees.
                long wait = Math.Max(1_000_000, Math.Min(nextPingNs, deadline) - _clock.NowNs());
                await Task.Delay(TimeSpan.FromMilliseconds(wait / 1e6), _clock.Provider, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Closed.
        }
    }

    private void OnPong(Pong pong)
    {
        if (pong.LastPingTimestamp == Interlocked.Read(ref _lastPingTimestampMs))
        {
            Interlocked.Exchange(ref _rttMs, Math.Max(1, (_clock.NowNs() - Interlocked.Read(ref _lastPingSentNs)) / 1_000_000));
        }
    }

    private void ReportLost(LiveKitOutcome outcome)
    {
        if (_closing || Interlocked.Exchange(ref _lost, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _socket.Abort();
        _handler.OnSignalLost(outcome);
    }

    internal static bool TryParse(ReadOnlySpan<byte> bytes, out SignalResponse? response)
    {
        try
        {
            response = SignalResponse.Parser.ParseFrom(bytes);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            response = null;
            return false;
        }
    }
}

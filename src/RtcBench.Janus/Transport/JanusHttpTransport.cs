using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Transport;

/// <summary>
/// Janus's REST transport (PROTOCOLS.md §2 B2): every request is a POST to <c>base[/session[/handle]]</c> and its
/// reply is the response body; each subscribed session has one long-poll loop, <c>GET base/session?maxev=N</c>
/// (Janus holds it up to 30 s and answers with events or a <c>keepalive</c>). A poll that fails is retried
/// <see cref="PollAttempts"/> times with a short back-off before the session is reported lost; a 458 (no such
/// session), or its HTTP form — a bare 404 to the poll — ends it at once (<see cref="PollRefusal"/>). The API
/// secret and token go into POST bodies and the poll's query; the query is never logged or put in an exception.
/// </summary>
internal sealed class JanusHttpTransport : IJanusTransport
{
    public const int PollAttempts = 3;

    private readonly HttpClient _http;
    private readonly string _base;
    private readonly string? _apiSecret;
    private readonly string? _token;
    private readonly int _maxEvents;
    private readonly TimeSpan _pollTimeout;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _polls = new();
    private long _malformed;

    public JanusHttpTransport(Uri baseUrl, string? apiSecret, string? token, int maxEvents, TimeSpan pollTimeout, ILogger logger, HttpMessageHandler? handler = null)
    {
        _base = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _apiSecret = apiSecret;
        _token = token;
        _maxEvents = maxEvents;
        _pollTimeout = pollTimeout;
        _logger = logger;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan; // Each call has its own deadline.
        _http.MaxResponseContentBufferSize = JanusMessageReader.MaxMessageBytes;
    }

    public JanusTransportKind Kind => JanusTransportKind.Http;

    public long Malformed => Interlocked.Read(ref _malformed);

    public async Task<JanusMessage> InfoAsync(string transaction, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_base}/info");
        return await ExchangeAsync(request, "info", ct).ConfigureAwait(false);
    }

    public async Task<JanusMessage> SendAsync(JanusRequest request, CancellationToken ct)
    {
        string path = request.SessionId is long s
            ? request.HandleId is long h ? $"{_base}/{s.ToString(CultureInfo.InvariantCulture)}/{h.ToString(CultureInfo.InvariantCulture)}" : $"{_base}/{s.ToString(CultureInfo.InvariantCulture)}"
            : _base;
        byte[] body = JanusRequestWriter.Write(request, _apiSecret, _token, idsInBody: false);
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await ExchangeAsync(message, request.Verb, ct).ConfigureAwait(false);
    }

    public void Subscribe(long sessionId, IJanusEventSink sink)
    {
        var stop = new CancellationTokenSource();
        if (!_polls.TryAdd(sessionId, stop))
        {
            stop.Dispose();
            throw new InvalidOperationException($"Session {sessionId} is already subscribed.");
        }

        _ = Task.Run(() => PollLoopAsync(sessionId, sink, stop.Token));
    }

    public void Unsubscribe(long sessionId)
    {
        if (_polls.TryRemove(sessionId, out var stop))
        {
            stop.Cancel();
            stop.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (long session in _polls.Keys)
        {
            Unsubscribe(session);
        }

        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<JanusMessage> ExchangeAsync(HttpRequestMessage request, string verb, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new JanusTransportException($"Janus (HTTP) not reached for '{verb}': {ex.HttpRequestError} {ex.Message}", ex);
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new JanusTransportException($"Janus (HTTP) reply to '{verb}' could not be read: {ex.Message}", ex, (int)response.StatusCode);
            }

            if (JanusMessageReader.TryRead(body, out var message))
            {
                return message!;
            }

            Interlocked.Increment(ref _malformed);
            if (!response.IsSuccessStatusCode)
            {
                throw new JanusTransportException($"Janus (HTTP) answered '{verb}' with {(int)response.StatusCode} {response.ReasonPhrase}: not a Janus API endpoint?", null, (int)response.StatusCode);
            }

            throw new JanusProtocolException($"Janus (HTTP) answered '{verb}' with {body.Length} bytes that are not a Janus message.");
        }
    }

    private async Task PollLoopAsync(long sessionId, IJanusEventSink sink, CancellationToken stop)
    {
        string url = PollUrl(sessionId);
        var batch = new List<JanusMessage>(_maxEvents);
        int failures = 0;
        while (!stop.IsCancellationRequested)
        {
            string? failure;
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
                deadline.CancelAfter(_pollTimeout);
                using var response = await _http.GetAsync(url, deadline.Token).ConfigureAwait(false);
                byte[] body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                batch.Clear();
                if (JanusMessageReader.TryReadBatch(body, batch, out int malformed))
                {
                    Interlocked.Add(ref _malformed, malformed);
                    failures = 0;
                    foreach (var message in batch)
                    {
                        if (stop.IsCancellationRequested)
                        {
                            return;
                        }

                        if (message.Kind == JanusMessageKind.Error && message.Error is { } error)
                        {
                            // The poll itself was refused: 458 after a timeout or a restart, 403 with a wrong secret.
                            Finish(sessionId, sink, new JanusApiException("long-poll", error));
                            return;
                        }

                        if (message.Kind != JanusMessageKind.Keepalive)
                        {
                            sink.OnEvent(message);
                        }
                    }

                    continue;
                }

                if (body.Length == 0 && PollRefusal(response.StatusCode) is { } refusal)
                {
                    // Janus's own answer, not bad bytes: it no longer knows the session, or the secret is wrong.
                    Finish(sessionId, sink, new JanusApiException("long-poll", refusal));
                    return;
                }

                Interlocked.Increment(ref _malformed);
                failure = response.IsSuccessStatusCode
                    ? $"{body.Length} bytes that are not Janus messages"
                    : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                failure = $"no answer within {_pollTimeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException ex)
            {
                failure = $"{ex.HttpRequestError} {ex.Message}";
            }
            catch (IOException ex)
            {
                failure = ex.Message;
            }

            failures++;
            JanusLog.LongPollFailed(_logger, sessionId, failures, failure);
            if (failures >= PollAttempts)
            {
                Finish(sessionId, sink, new JanusTransportException($"Janus (HTTP) long-poll failed {failures} times: {failure}"));
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << failures), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Janus's HTTP transport answers a long-poll it will not serve with a bare status and no body (janus_http.c):
    /// 404 when it no longer knows the session (destroyed — also by a <c>destroy</c> this client sent while a poll
    /// was being re-issued —, timed out, or Janus restarted), 403 when the secret or token is wrong. They mean what
    /// 458 and 403 mean on a POST. A 404 to a poll is never a wrong path: the session was created at the same base.
    /// </summary>
    private static JanusError? PollRefusal(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => new JanusError((int)JanusErrorCode.SessionNotFound, "No such session (HTTP 404 to the long-poll)"),
        HttpStatusCode.Forbidden => new JanusError((int)JanusErrorCode.Unauthorized, "Unauthorized request (HTTP 403 to the long-poll)"),
        _ => null,
    };

    private void Finish(long sessionId, IJanusEventSink sink, JanusException reason)
    {
        if (_polls.TryRemove(sessionId, out var stop))
        {
            stop.Dispose();
            sink.OnLost(reason);
        }
    }

    private string PollUrl(long sessionId)
    {
        string url = $"{_base}/{sessionId.ToString(CultureInfo.InvariantCulture)}?maxev={_maxEvents.ToString(CultureInfo.InvariantCulture)}";
        if (_apiSecret is not null)
        {
            url += "&apisecret=" + WebUtility.UrlEncode(_apiSecret);
        }

        if (_token is not null)
        {
            url += "&token=" + WebUtility.UrlEncode(_token);
        }

        return url;
    }
}

using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace RtcBench.Server.Events;

/// <summary>
/// <c>GET /api/events</c>: a <c>text/event-stream</c> that sends <c>event: run</c> (data: run id, platform, location,
/// channel, start, URL) each time a run is stored for the first time, and a comment line every heartbeat interval
/// so proxies and browsers keep the connection open. One async loop per client, no thread: it waits on the
/// client's queue and a timer, and ends when the client goes away or the service stops (the response then ends
/// cleanly, so the service never waits for the host's shutdown timeout).
/// </summary>
internal sealed class EventStreamEndpoint(RunEventHub hub, TimeSpan heartbeat, TimeProvider time, ILogger logger, CancellationToken stopping)
{
    /// <summary>What a browser's EventSource waits before reconnecting when the stream ends.</summary>
    public const int ReconnectMs = 5000;

    public async Task HandleAsync(HttpContext context)
    {
        var subscription = hub.TrySubscribe();
        if (subscription is null)
        {
            ServerLog.EventClientRefused(logger, hub.SubscriberCount);
            context.Response.Headers.RetryAfter = "30";
            await Results.Problem(
                    detail: "too many clients are listening to /api/events; retry later, or poll the query API",
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Service Unavailable")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        using (subscription)
        using (var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
        {
            ServerLog.EventClientConnected(logger, hub.SubscriberCount);
            try
            {
                await StreamAsync(context, subscription, end.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (end.IsCancellationRequested)
            {
                // The client went away or the service is stopping: the normal end of a stream.
            }
            catch (IOException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The connection broke mid-write.
            }
        }
        ServerLog.EventClientDisconnected(logger, hub.SubscriberCount);
    }

    private async Task StreamAsync(HttpContext context, EventSubscription subscription, CancellationToken ct)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";   // nginx: pass each event on at once
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.Body;
        await WriteAsync(body, $"retry: {ReconnectMs}\n: connected\n\n", ct).ConfigureAwait(false);

        using var timer = new PeriodicTimer(heartbeat, time);
        var reader = subscription.Reader;
        var tick = timer.WaitForNextTickAsync(ct).AsTask();
        var read = reader.WaitToReadAsync(ct).AsTask();
        while (true)
        {
            var first = await Task.WhenAny(read, tick).ConfigureAwait(false);
            if (first == read)
            {
                if (!await read.ConfigureAwait(false))
                {
                    return;   // the hub completed the queue
                }
                var text = new StringBuilder();
                while (reader.TryRead(out var item))
                {
                    text.Append(CultureInfo.InvariantCulture, $"id: {item.Id}\nevent: {item.Type}\ndata: {item.Data}\n\n");
                }
                await WriteAsync(body, text.ToString(), ct).ConfigureAwait(false);
                read = reader.WaitToReadAsync(ct).AsTask();
            }
            else
            {
                if (!await tick.ConfigureAwait(false))
                {
                    return;
                }
                await WriteAsync(body, ": heartbeat\n\n", ct).ConfigureAwait(false);
                tick = timer.WaitForNextTickAsync(ct).AsTask();
            }
        }
    }

    private static async Task WriteAsync(Stream body, string text, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
        await body.FlushAsync(ct).ConfigureAwait(false);
    }
}

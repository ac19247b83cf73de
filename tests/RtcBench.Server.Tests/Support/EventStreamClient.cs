using System.Net;
using System.Text;

namespace RtcBench.Server.Tests.Support;

/// <summary>
/// A client of <c>GET /api/events</c> that reads the stream block by block (a block ends at a blank line), comments
/// included, so tests can await exactly what the service sent. Opening returns once the service has subscribed it
/// (its first block, ": connected", has arrived).
/// </summary>
public sealed class EventStreamClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamClient(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<EventStreamClient> OpenAsync(Uri baseUrl, CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
        var client = new EventStreamClient(http, response, reader);
        var first = await client.ReadBlockAsync(ct);
        Assert.NotNull(first);
        Assert.Contains("connected", first.Comments);
        return client;
    }

    /// <summary>The next block, or null when the service ended the stream (a clean end; a broken one throws).</summary>
    public async Task<SseBlock?> ReadBlockAsync(CancellationToken ct)
    {
        var block = new SseBlock();
        bool any = false;
        while (await _reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    return block;
                }
                continue;
            }
            any = true;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "": block.Comments.Add(value); break;
                case "event": block.Event = value; break;
                case "id": block.Id = value; break;
                case "data": block.Data = block.Data is null ? value : block.Data + "\n" + value; break;
                case "retry": block.Retry = value; break;
                default: block.Other.Add(line); break;
            }
        }
        return null;
    }

    /// <summary>The next block that is an event (not only comments); fails at the end of the stream.</summary>
    public async Task<SseBlock> ReadEventAsync(CancellationToken ct)
    {
        while (true)
        {
            var block = await ReadBlockAsync(ct);
            Assert.True(block is not null, "the event stream ended before an event arrived");
            if (block.Event is not null || block.Data is not null)
            {
                return block;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

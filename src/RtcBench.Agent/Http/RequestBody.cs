using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Http;

/// <summary>
/// Reads a small request body (JSON or SDP) with every client fault turned into a <see cref="RequestError"/>: over
/// <see cref="MaxBytes"/> (413), the wrong content type (415, decided before any byte is read when the length is
/// announced), slower than <paramref name="timeout"/> in total or than Kestrel's minimum data rate (408), shorter than
/// its Content-Length or aborted (400). Each fault is logged as one line (<see cref="AgentLog.ClientFault"/>), never
/// with an exception. Call it only after the request is authorised, so no one without a key can hold a read open.
/// </summary>
internal sealed class RequestBody(TimeSpan timeout, TimeProvider time, ILogger logger)
{
    public const int MaxBytes = 64 * 1024;

    public TimeSpan Timeout => timeout;

    /// <summary>
    /// A JSON body: an empty one is allowed with any content type (every field is optional, or the endpoint says
    /// what is missing); a non-empty one must be JSON.
    /// </summary>
    public Task<(byte[]? Body, RequestError? Error)> ReadJsonAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > 0 && !request.HasJsonContentType())
        {
            return Task.FromResult<(byte[]?, RequestError?)>((null, NotJson(request)));
        }
        return ReadAsync(context, json: true);
    }

    /// <summary>A body whose content type the caller has checked already (e.g. application/sdp).</summary>
    public Task<(byte[]? Body, RequestError? Error)> ReadRawAsync(HttpContext context) => ReadAsync(context, json: false);

    private async Task<(byte[]? Body, RequestError? Error)> ReadAsync(HttpContext context, bool json)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBytes)
        {
            return (null, Fault(context, TooLarge()));
        }
        // At the deadline the pending read is cancelled the pipe's way (it returns IsCanceled), never through a
        // cancellation token: Kestrel's body reader is left mid-read by a cancelled token and then fails to drain.
        var reader = request.BodyReader;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var onDeadline = deadline.Token.UnsafeRegister(static r => ((PipeReader)r!).CancelPendingRead(), reader);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            int total = 0;
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    reader.AdvanceTo(result.Buffer.Start); // Ends the read, so Kestrel can drain or close.
                    return (null, Fault(context, new RequestError(
                        StatusCodes.Status408RequestTimeout, "Request Timeout",
                        $"the request body did not arrive within {timeout.TotalSeconds:0.###} s")));
                }
                var data = result.Buffer;
                if (total + data.Length > MaxBytes)
                {
                    reader.AdvanceTo(data.End);
                    return (null, Fault(context, TooLarge()));
                }
                data.CopyTo(buffer.AsSpan(total));
                total += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
            if (json && total > 0 && !request.HasJsonContentType())
            {
                return (null, NotJson(request));
            }
            return (buffer.AsSpan(0, total).ToArray(), null);
        }
        catch (BadHttpRequestException bad)
        {
            return (null, Fault(context, FromKestrel(bad)));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (RST, or its half of the connection closed): nobody reads an answer.
            return (null, Fault(context, RequestError.BadRequest("the client aborted the request while sending its body")));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Kestrel's body errors, in our words (its messages name no type but are not ours to promise).</summary>
    public static RequestError FromKestrel(BadHttpRequestException bad) => bad.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => TooLarge(),
        StatusCodes.Status408RequestTimeout => new RequestError(
            StatusCodes.Status408RequestTimeout, "Request Timeout", "the request body arrived too slowly"),
        _ when bad.Message.Contains("end of request content", StringComparison.OrdinalIgnoreCase) =>
            RequestError.BadRequest("the request body ended before its Content-Length"),
        _ => new RequestError(bad.StatusCode, "Bad Request", "malformed HTTP request: " + bad.Message),
    };

    private RequestError Fault(HttpContext context, RequestError error)
    {
        AgentLog.ClientFault(logger, context.Request.Method, AgentLog.ShortPath(context.Request.Path.Value), error.Detail);
        return error;
    }

    private static RequestError NotJson(HttpRequest request)
    {
        string got = string.IsNullOrEmpty(request.ContentType) ? "no content type" : $"'{JsonBody.Quote(request.ContentType)}'";
        return new RequestError(
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported Media Type",
            $"the request body must be JSON (Content-Type: application/json); got {got}");
    }

    private static RequestError TooLarge() => new(
        StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"the request body exceeds {MaxBytes} bytes");
}

using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace RtcBench.Agent.Http;

/// <summary>Reads a small JSON request body with an explicit size limit and content-type check.</summary>
internal static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Reads the whole body (at most <see cref="MaxBytes"/>). An empty body is allowed with any content type;
    /// a non-empty one must be JSON. Returns the bytes, or an error (413, 415).
    /// </summary>
    public static async Task<(byte[]? Body, RequestError? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            int total = 0;
            while (true)
            {
                int n = await request.Body.ReadAsync(buffer.AsMemory(total, MaxBytes + 1 - total), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                total += n;
                if (total > MaxBytes)
                {
                    return (null, TooLarge());
                }
            }
            if (total > 0 && !request.HasJsonContentType())
            {
                string got = string.IsNullOrEmpty(request.ContentType) ? "no content type" : $"'{request.ContentType}'";
                return (null, new RequestError(
                    StatusCodes.Status415UnsupportedMediaType,
                    "Unsupported Media Type",
                    $"the request body must be JSON (Content-Type: application/json); got {got}"));
            }
            return (buffer.AsSpan(0, total).ToArray(), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RequestError TooLarge() => new(
        StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"the request body exceeds {MaxBytes} bytes");
}

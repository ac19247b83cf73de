using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtcBench.Server.Http;

/// <summary>
/// Requires the ingest token on every request that writes (any method but GET/HEAD), as
/// <c>Authorization: Bearer TOKEN</c> or <c>X-Api-Key: TOKEN</c>; reads stay open. The comparison is constant-time
/// over SHA-256 digests. The token is never logged or echoed.
/// </summary>
internal sealed class IngestTokenCheck(string token, ILogger logger)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        bool read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (read || Matches(Presented(request)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        ServerLog.Unauthorized(logger, request.Method, request.Path.Value ?? "/");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
                detail: "a valid ingest token is required: send 'Authorization: Bearer <token>' or 'X-Api-Key: <token>'",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized")
            .ExecuteAsync(context)
            .ConfigureAwait(false);
    }

    private bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _expected);
    }

    private static string? Presented(HttpRequest request)
    {
        string? header = request.Headers["X-Api-Key"];
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }
        string? authorization = request.Headers.Authorization;
        const string Bearer = "Bearer ";
        if (authorization is not null && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[Bearer.Length..].Trim();
        }
        return null;
    }
}
